/**
 * @kilgore/testing: a real Kafka broker inside a Node.js test suite. `startBroker()` runs a
 * Kilgore node in this process on a free port with in-memory logs; clients connect to
 * `broker.bootstrapServers`. Faults are injected per API key, topic and partition.
 */
export { ApiKey, ErrorCode } from '@kilgore/protocol';
export type { Fault, FaultAction, FaultDecider, FaultMatch, FaultRequest } from './faults.js';
export type { RecordedRequest, RequestTopic } from './requests.js';
export {
  type CreateTopicOptions,
  type StartBrokerOptions,
  startBroker,
  TestBroker,
} from './start-broker.js';
