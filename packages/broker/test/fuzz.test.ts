import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ApiKey, decodeResponse, ErrorCode, encodeRequest } from '@kilgore/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzBroker, startFuzzBroker } from '../fuzz/fuzz-broker.js';
import { runFuzz } from '../fuzz/run.js';
import { CloseConnection } from '../src/server/connection.js';

describe('fuzz harness (short, seeded run)', () => {
  it('20,000 mutated frames: no crash, each answered, closed or (acks=0) silent, heap bounded', async () => {
    const report = await runFuzz({ count: 20_000, seed: 20_261_124, tcpEvery: 100 });
    expect(report.crashes).toEqual([]);
    const o = report.outcomes;
    // Every input went through both in-process targets exactly once.
    expect((o['decode:ok'] ?? 0) + (o['decode:error'] ?? 0) + (o['decode:unsupported'] ?? 0)).toBe(20_000);
    expect((o['router:answer'] ?? 0) + (o['router:close'] ?? 0) + (o['router:silent'] ?? 0)).toBe(20_000);
    // Mutations reach past the decoder into the handlers, and the socket path answers too.
    expect(o['router:answer']).toBeGreaterThan(1000);
    expect((o['tcp:answer'] ?? 0) + (o['tcp:close'] ?? 0)).toBeGreaterThan(75);
    expect((o['tcp-sasl:answer'] ?? 0) + (o['tcp-sasl:close'] ?? 0)).toBeGreaterThan(75);
    expect(report.heapEndMB - report.heapStartMB).toBeLessThan(64);
  }, 120_000);
});

describe('fuzz watchdog', () => {
  it('kills a process whose main thread stopped yielding, printing the input it was on', () => {
    const watchdog = fileURLToPath(new URL('../fuzz/watchdog.ts', import.meta.url));
    const code = `
      const { Watchdog } = await import(${JSON.stringify(watchdog)});
      const w = await Watchdog.start(300);
      w.beat(7, Buffer.from('cafe', 'hex'));
      const t = Date.now();
      while (Date.now() - t < 20_000) {}
      console.log('still alive');`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout).not.toContain('still alive');
    expect(r.stderr).toContain('CRASH [hang] input #7: no progress for 300 ms');
    expect(r.stderr).toContain('input: cafe');
  }, 40_000);
});

describe('inputs the fuzzer found', () => {
  let fb: FuzzBroker;
  beforeAll(async () => {
    fb = await startFuzzBroker();
  });
  afterAll(async () => {
    await fb.stop();
  });

  const route = async (hex: string) => {
    try {
      return { reply: await fb.route(Buffer.from(hex, 'hex'), fb.connection) };
    } catch (err) {
      return { error: err };
    }
  };

  /** Routes a request built from a body and decodes the answer. */
  const ask = async <T extends object>(apiKey: number, apiVersion: number, body: object): Promise<T> => {
    const header = { apiKey, apiVersion, correlationId: 5, clientId: 'fuzz' };
    const frame = Buffer.concat(encodeRequest({ header, body })).subarray(4);
    const reply = await fb.route(frame, fb.connection);
    return decodeResponse<T>(apiKey, apiVersion, Buffer.concat(reply as Buffer[]).subarray(4)).body;
  };

  it('CreateTopics and CreatePartitions asking for billions of partitions are refused at once', async () => {
    // Was: the node set out to open 2^31-1 partition logs (a hang, then out of memory).
    const created = await ask<{ topics: { errorCode: number; errorMessage: string }[] }>(
      ApiKey.CreateTopics,
      4,
      {
        topics: [
          { name: 'huge', numPartitions: 0x7fffffff, replicationFactor: -1, assignments: [], configs: [] },
        ],
        timeoutMs: 1000,
        validateOnly: false,
      },
    );
    expect(created.topics[0]).toMatchObject({ errorCode: ErrorCode.INVALID_PARTITIONS });
    expect(created.topics[0]!.errorMessage).toMatch(/above the limit of 10000/);
    const grown = await ask<{ results: { errorCode: number }[] }>(ApiKey.CreatePartitions, 2, {
      topics: [{ name: 'fuzz', count: 1_934_401_876, assignments: null }],
      timeoutMs: 1,
      validateOnly: false,
    });
    expect(grown.results[0]!.errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(fb.broker.context.topics.get('fuzz')!.partitions).toBe(2);
  });

  it('Fetch whose byte limits keep it below min_bytes waits out max_wait_ms instead of spinning', async () => {
    // Was a loop of microtasks that never yielded: the data already there woke each wait at once.
    const started = Date.now();
    const res = await ask<{ responses: { partitions: { errorCode: number; records: Buffer }[] }[] }>(
      ApiKey.Fetch,
      6,
      {
        replicaId: -1,
        maxWaitMs: 150,
        minBytes: 518_548_460,
        maxBytes: -0x80000000,
        isolationLevel: 1,
        topics: [
          {
            topic: 'fuzz',
            partitions: [{ partition: 0, fetchOffset: 0n, logStartOffset: 0n, partitionMaxBytes: -1 }],
          },
        ],
      },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(res.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);
  });

  it('Metadata v10/v11 naming a topic by id only (null name) closes the connection, as Kafka does', async () => {
    // Was an EncodeError: the answer's topic name is not nullable before v12.
    for (const hex of [
      '0003000b7551cf2b000466757a7a000200000000000000bba444a524b100000000000000000007c39bc2a7c28b00010000',
      '0003000b30c3c0adffff00020000000000000000a730fe26a400000000000000000e6b61666b612d636c757374657200010100',
    ]) {
      const r = await route(hex);
      expect(r.error).toBeInstanceOf(CloseConnection);
    }
  });
});
