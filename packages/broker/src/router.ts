import { FIRST_CHAIN_API_KEY } from '@kilgore/chain';
import {
  ApiKey,
  decodeRequest,
  ErrorCode,
  encodeResponse,
  peekRequestApi,
  type RequestApi,
} from '@kilgore/protocol';
import { mayCluster } from './acl/checks.js';
import { AclOperation } from './acl/types.js';
import type { BrokerContext } from './context.js';
import { handlers as defaultHandlers, handlerTable } from './handlers/index.js';
import type { ApiHandler, RequestInfo } from './handlers/types.js';
import type { RequestInterceptor } from './interceptor.js';
import { CloseConnection, type FrameHandler, type Reply } from './server/connection.js';

/**
 * Routes each request frame by api key and version to its handler, and encodes the answer.
 * What Kafka does with requests it cannot serve (crib section 6): ApiVersions at a version it
 * does not know gets UNSUPPORTED_VERSION in a v0 body naming the versions it does know; any
 * other unknown API, unsupported version or malformed request closes the connection.
 */
export function createRouter(
  broker: BrokerContext,
  handlers: readonly ApiHandler[] = defaultHandlers,
  interceptor?: RequestInterceptor,
): FrameHandler {
  const table = handlerTable(handlers);
  return (frame, connection) => {
    let api: RequestApi;
    try {
      api = peekRequestApi(frame);
    } catch {
      throw new CloseConnection(`request of ${frame.length} bytes is too short for a header`);
    }
    if (api.apiKey >= FIRST_CHAIN_API_KEY && broker.chain !== undefined) {
      // Replication between nodes (docs/replication.md): never advertised, not a client API.
      // Only nodes may send it: with the authorizer on, CLUSTER_ACTION on the cluster (Kafka's
      // rule for inter-broker requests); node principals are super users or hold that ACL.
      const who = { principal: connection.principal, clientHost: connection.socket.remoteAddress ?? '' };
      if (!mayCluster(broker, who, AclOperation.CLUSTER_ACTION)) {
        throw new CloseConnection(
          `chain request (api key ${api.apiKey}) from ${broker.authorizer.principalOf(who)}, which lacks CLUSTER_ACTION on the cluster`,
        );
      }
      return broker.chain.handleFrame(frame).catch((err: unknown) => {
        throw new CloseConnection(`chain request (api key ${api.apiKey}) failed: ${(err as Error).message}`);
      });
    }
    const handler = table[api.apiKey];
    if (handler === undefined || api.apiVersion < handler.minVersion || api.apiVersion > handler.maxVersion) {
      if (api.apiKey === ApiKey.ApiVersions && handler !== undefined) {
        return unsupportedApiVersions(api.correlationId, handler);
      }
      throw new CloseConnection(
        handler === undefined
          ? `unsupported api key ${api.apiKey} (version ${api.apiVersion})`
          : `unsupported version ${api.apiVersion} of api key ${api.apiKey} (supported: ${handler.minVersion}-${handler.maxVersion})`,
      );
    }
    let request: ReturnType<typeof decodeRequest>;
    try {
      request = decodeRequest(frame);
    } catch (err) {
      throw new CloseConnection(
        `malformed request (api key ${api.apiKey} v${api.apiVersion}): ${(err as Error).message}`,
      );
    }
    const info: RequestInfo = {
      apiKey: api.apiKey,
      apiVersion: api.apiVersion,
      correlationId: api.correlationId,
      clientId: request.header.clientId,
      listenerName: connection.listenerName,
      clientHost: connection.socket.remoteAddress ?? '',
      // Filled by the listener: TLS client certificate subject or SASL identity, else ANONYMOUS.
      principal: connection.principal,
    };
    const encode = (body: unknown): Reply =>
      body === null ? null : encodeResponse(api.apiKey, api.apiVersion, api.correlationId, body as object);
    if (interceptor !== undefined) {
      const next = async (body: unknown): Promise<unknown> => handler.handle(body, info, broker);
      return interceptor({ ...info, body: request.body }, next).then(encode);
    }
    const result = handler.handle(request.body, info, broker);
    return result instanceof Promise ? result.then(encode) : encode(result);
  };
}

/**
 * Kafka's answer to an ApiVersions version it does not know (KIP-511): header v0, a v0 body with
 * UNSUPPORTED_VERSION and the one entry {18, min, max}, from which clients pick a version to retry.
 */
function unsupportedApiVersions(correlationId: number, handler: ApiHandler): Reply {
  return encodeResponse(ApiKey.ApiVersions, 0, correlationId, {
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: handler.minVersion, maxVersion: handler.maxVersion }],
  });
}
