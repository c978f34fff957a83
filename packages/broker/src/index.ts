/**
 * @kilgore/broker: one node. Configuration, listeners and connections, request routing and one
 * handler per Kafka API (src/handlers/NN-name.ts).
 */
export * from './acl/index.js';
export { type AdvertisedAddress, Broker, type BrokerOptions } from './broker.js';
export { interBrokerDialer } from './chain/secure-dialer.js';
export * from './config/index.js';
export type { InterBrokerSecurity } from './config/inter-broker.js';
export type { BrokerContext } from './context.js';
export type { RequestInfo } from './handlers/types.js';
export { HEAP_GROWING_PERCENT, tuneHeapForBrokerTraffic } from './heap-tuning.js';
export type { InterceptedRequest, InterceptNext, RequestInterceptor } from './interceptor.js';
export { type LocalCaller, LocalRequestError, type LocalRequests } from './local-requests.js';
export { MemoryLogStore, MemoryPartitionLog } from './logs/memory-log.js';
export type { LogStore, PartitionAppendResult, PartitionLogView } from './logs/partition-log.js';
export { logDefaults, StorageLogStore } from './logs/storage-log-store.js';
export {
  loadOrCreateMetaProperties,
  type MetaProperties,
  MetaPropertiesError,
} from './node/meta-properties.js';
export * from './security/index.js';
export { CloseConnection, Connection, type FrameHandler, type Reply } from './server/connection.js';
export { type BoundListener, KafkaServer, type ServerOptions } from './server/server.js';
export { tlsOptions, tlsPrincipal } from './server/tls.js';
export { TopicError, type TopicInfo, TopicRegistry } from './topics/registry.js';
export { invalidTopicNameReason } from './topics/topic-name.js';
