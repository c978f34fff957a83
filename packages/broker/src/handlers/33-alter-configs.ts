import { type AlterConfigsRequest, type AlterConfigsResponse, ApiKey, ErrorCode } from '@kilgore/protocol';
import { TopicConfigError } from '../topics/topic-configs.js';
import { alterEach } from './config-alter.js';
import { defineHandler } from './types.js';

/**
 * AlterConfigs (the legacy one): the request is a topic's whole new override set; what it does not
 * name goes back to the broker's default. Persisted, then applied to the open partition logs.
 */
export const alterConfigsHandler = defineHandler<AlterConfigsRequest, AlterConfigsResponse>({
  apiKey: ApiKey.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  handle(request, info, broker) {
    const responses = alterEach(
      broker,
      info,
      request.resources,
      request.validateOnly,
      (r) => r.configs.map((c) => c.name),
      (r) => {
        const names = new Set<string>();
        for (const c of r.configs) {
          if (names.has(c.name)) {
            throw new TopicConfigError(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys');
          }
          names.add(c.name);
        }
        return r.configs.map((c) => [c.name, c.value] as const);
      },
    );
    return { throttleTimeMs: 0, responses };
  },
});
