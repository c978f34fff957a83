import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecordBatchSync } from '@kilgore/protocol';
import { Broker } from '../src/broker.js';
import { loadConfig } from '../src/config/load.js';
import { MemoryLogStore } from '../src/logs/memory-log.js';
import { createRouter } from '../src/router.js';
import type { Connection, FrameHandler } from '../src/server/connection.js';

/** A real broker with in-memory logs, its router for direct calls, and a stand-in connection. */
export interface FuzzBroker {
  broker: Broker;
  route: FrameHandler;
  connection: Connection;
  /** The PLAINTEXT listener. */
  port: number;
  /** A SASL_PLAINTEXT listener (PLAIN, SCRAM): fuzzed frames meet the authentication gate there. */
  saslPort: number;
  stop(): Promise<void>;
}

/**
 * Starts a broker as the fuzzer wants it: in-memory logs (fast, nothing big on disk), the
 * authorizer on but allowing what no ACL mentions (so the ACL code runs and the ACL APIs answer),
 * groups without rebalance delay, and a few topics with records so Fetch and ListOffsets find data.
 */
export async function startFuzzBroker(): Promise<FuzzBroker> {
  const logDir = mkdtempSync(join(tmpdir(), 'kilgore-fuzz-'));
  const usersFile = join(logDir, 'fuzz-users.properties');
  writeFileSync(usersFile, 'fuzz=fuzz-secret\n');
  const { config } = loadConfig({
    flags: {
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
      'kilgore.sasl.users.file': usersFile,
      'log.dirs': logDir,
      'logger.level': 'silent',
      'authorizer.class.name': 'kilgore-fuzz',
      'allow.everyone.if.no.acl.found': 'true',
      'group.initial.rebalance.delay.ms': '0',
      'group.min.session.timeout.ms': '1',
      // Fuzzed CreateTopics and CreatePartitions would otherwise make millions of partition dirs
      // (and each one is a synchronous mkdir: 2000 of them stalled the loop past the 1 s TCP wait).
      'kilgore.max.partitions': '500',
    },
  });
  const broker = await Broker.start({ config, logs: new MemoryLogStore() });
  for (const [name, partitions] of [
    ['fuzz', 2],
    ['orders', 1],
  ] as const) {
    broker.context.createTopic(name, partitions);
    const batch = encodeRecordBatchSync({
      baseOffset: 0n,
      records: [{ key: Buffer.from('k'), value: Buffer.from('value') }],
    });
    await broker.context.logs.get(name, 0)!.append(batch, { leaderEpoch: 0 });
  }
  const connection = {
    id: 'fuzz',
    listenerName: 'PLAINTEXT',
    socket: { remoteAddress: '127.0.0.1' },
    principal: 'User:ANONYMOUS',
  } as unknown as Connection;
  return {
    broker,
    route: createRouter(broker.context),
    connection,
    port: broker.listeners.find((l) => l.name === 'PLAINTEXT')!.boundPort,
    saslPort: broker.listeners.find((l) => l.name === 'SASL_PLAINTEXT')!.boundPort,
    async stop() {
      await broker.stop();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}
