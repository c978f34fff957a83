import type { Logger } from 'pino';
import type { AdvertisedAddress } from './broker.js';
import type { BrokerConfig } from './config/broker-config.js';

/** What every request handler may use: configuration, identity, logs. */
export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly log: Logger;
  readonly clusterId: string;
  readonly nodeId: number;
  /** Filled once listeners are bound (port 0 resolved). */
  readonly advertised: AdvertisedAddress[];
}
