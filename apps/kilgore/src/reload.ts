/**
 * SIGHUP for `kilgore serve`: re-reads the --config file and the environment. A changed
 * `kilgore.chains` becomes a membership change (docs/replication.md); any other changed setting
 * needs a restart and is only logged. A bad file or chain list is logged, and the running
 * configuration kept.
 */
import { readFileSync } from 'node:fs';
import { type Broker, type BrokerConfig, loadConfig, NodeNotInChainsError } from '@kilgore/broker';
import type { Logger } from 'pino';

export function reloadOnSighup(
  config: BrokerConfig,
  flags: Map<string, string>,
  configFile: string | undefined,
  broker: Broker,
  log: Logger,
): void {
  let current = config;
  process.on('SIGHUP', () => {
    current = reloadConfig(current, flags, configFile, broker, log);
  });
}

export function reloadConfig(
  current: BrokerConfig,
  flags: Map<string, string>,
  configFile: string | undefined,
  broker: Broker,
  log: Logger,
): BrokerConfig {
  let next: BrokerConfig;
  try {
    const file =
      configFile === undefined ? undefined : { path: configFile, text: readFileSync(configFile, 'utf8') };
    next = loadConfig({ flags, env: process.env, file }).config;
  } catch (err) {
    if (err instanceof NodeNotInChainsError && broker.context.chain) {
      // Removed from the cluster: take the new membership and leave replication, so this node
      // no longer leads anything or sends clients to itself (keeping the old view would).
      log.warn(
        { err: err.message },
        'SIGHUP: this node is in no chain now; it takes no client requests and keeps its logs for the chains that take its partitions to copy',
      );
      try {
        broker.context.chain.setMembership(err.membership);
      } catch (e) {
        log.error(
          { err: (e as Error).message },
          'SIGHUP: kilgore.chains refused; keeping the running membership',
        );
      }
      return current;
    }
    log.error({ err: (err as Error).message }, 'SIGHUP: configuration refused; keeping the running one');
    return current;
  }
  for (const [name, setting] of next.settings) {
    if (name === 'kilgore.chains') continue;
    const before = current.settings.get(name);
    if (JSON.stringify(before?.value) !== JSON.stringify(setting.value)) {
      log.warn(
        { setting: name, running: before?.value, configured: setting.value },
        'SIGHUP: setting changed; needs restart',
      );
    }
  }
  const chain = broker.context.chain;
  const membership = next.chain?.membership;
  if (chain === undefined || membership === undefined) {
    if ((chain === undefined) !== (membership === undefined)) {
      log.error('SIGHUP: kilgore.chains cannot be turned on or off while running; needs restart');
    }
    return current;
  }
  try {
    if (chain.setMembership(membership)) {
      log.info({ chains: next.settings.get('kilgore.chains')?.value }, 'SIGHUP: membership changed');
    } else {
      log.info('SIGHUP: membership unchanged');
    }
  } catch (err) {
    log.error(
      { err: (err as Error).message },
      'SIGHUP: kilgore.chains refused; keeping the running membership',
    );
    return current;
  }
  const settings = new Map(current.settings);
  const chains = next.settings.get('kilgore.chains');
  if (chains) settings.set('kilgore.chains', chains);
  return { ...current, chain: next.chain, settings };
}
