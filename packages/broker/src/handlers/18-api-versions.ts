import { ApiKey, type ApiVersionsRequest, type ApiVersionsResponse, ErrorCode } from '@kilgore/protocol';
import type { BrokerContext } from '../context.js';
import { defineHandler } from './types.js';

/**
 * ApiVersions: every API this node has a handler for, with exactly the versions it implements.
 * The list comes from the handler table, so advertising and implementing cannot drift apart.
 */
export const apiVersionsHandler = defineHandler<ApiVersionsRequest, ApiVersionsResponse>({
  apiKey: ApiKey.ApiVersions,
  minVersion: 0,
  maxVersion: 4,
  handle(_request, _info, broker: BrokerContext) {
    return { errorCode: ErrorCode.NONE, apiKeys: broker.apiVersions, throttleTimeMs: 0 };
  },
});
