import { Broker, loadConfig, type RequestInterceptor } from '@kilgore/broker';
import { pino } from 'pino';

/**
 * One node of an in-process chain for the broker's chain tests: node `id` listens on
 * 127.0.0.<id>:`port` (every node the same port, each on its own loopback address), with
 * `chains` as kilgore.chains. CHAIN_TEST_LOG=info shows its log.
 */
export function startChainNode(
  id: number,
  port: number,
  chains: string,
  dir: string,
  flags: Record<string, string> = {},
  interceptor?: RequestInterceptor,
): Promise<Broker> {
  const { config } = loadConfig({
    flags: {
      'node.id': String(id),
      listeners: `PLAINTEXT://127.0.0.${id}:${port}`,
      'log.dirs': dir,
      'kilgore.chains': chains,
      ...flags,
    },
  });
  return Broker.start({ config, log: pino({ level: process.env.CHAIN_TEST_LOG ?? 'silent' }), interceptor });
}
