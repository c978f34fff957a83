import type { Logger } from 'pino';
import type { AdvertisedAddress } from './broker.js';
import type { BrokerConfig } from './config/broker-config.js';
import type { TopicRegistry } from './topics/registry.js';

/** An entry of ApiVersions' list. */
export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/** What every request handler may use: configuration, identity, topics, logs. */
export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly log: Logger;
  readonly clusterId: string;
  readonly nodeId: number;
  /** Filled once listeners are bound (port 0 resolved). */
  readonly advertised: AdvertisedAddress[];
  readonly topics: TopicRegistry;
  /** What ApiVersions advertises: the handler table's ranges, sorted by api key. */
  readonly apiVersions: readonly ApiVersionRange[];
  /** Deletes a topic: closes its partition logs, then removes its files. */
  deleteTopic(name: string): Promise<void>;
  /** Grows a topic to `total` partitions (CreatePartitions). */
  growTopic(name: string, total: number): Promise<void>;
}
