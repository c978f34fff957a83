import { schemaForApiKey } from '../messages/index.js';
import type { ApiSchema } from '../schema/types.js';

/** The schema for an API key, or undefined when this build does not know the key. */
export function lookupSchema(apiKey: number): ApiSchema | undefined {
  return schemaForApiKey(apiKey);
}
