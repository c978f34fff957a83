import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createTopic, onCluster } from '../support/chain-views.js';
import { requireTool } from '../support/tools.js';

// librdkafka (through kcat) against two chains: it routes keyed acks=all writes to each
// partition's head and reads every partition back from its head, as kafkajs does in
// two-chains.test.ts; a second client library, so routing does not only suit kafkajs.

const TOPIC = 'spread-rdkafka';
const PARTITIONS = 12;
const MESSAGES = 1200;

describe('librdkafka (kcat) against two chains', () => {
  it('produces keyed acks=all records to every head and consumes them all back', async () => {
    const kcat = requireTool('/usr/bin/kcat', 'kcat');
    await onCluster(
      {
        chains: [
          { name: 'a', nodes: [1, 2, 3] },
          { name: 'b', nodes: [4, 5, 6] },
        ],
      },
      async (cluster) => {
        await createTopic(cluster, TOPIC, PARTITIONS);
        const bootstrap = cluster.bootstrap.join(',');
        const input = `${Array.from({ length: MESSAGES }, (_, i) => `key${i}:value${i}`).join('\n')}\n`;
        const produced = spawnSync(kcat, ['-b', bootstrap, '-P', '-t', TOPIC, '-K', ':', '-X', 'acks=all'], {
          input,
          encoding: 'utf8',
          timeout: 30_000,
        });
        expect(produced.status, `kcat -P: ${produced.stderr}`).toBe(0);

        const consumed = spawnSync(
          kcat,
          ['-b', bootstrap, '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-f', '%p %o %k %s\n'],
          {
            encoding: 'utf8',
            timeout: 30_000,
          },
        );
        expect(consumed.status, `kcat -C: ${consumed.stderr}`).toBe(0);
        const rows = consumed.stdout
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => {
            const [p, o, k, v] = l.split(' ');
            return { partition: Number(p), offset: Number(o), key: k!, value: v! };
          });
        // Every value once, under its own key.
        expect(rows.map((r) => r.value).sort()).toEqual(
          Array.from({ length: MESSAGES }, (_, i) => `value${i}`).sort(),
        );
        for (const r of rows) expect(r.key.slice(3), r.value).toBe(r.value.slice(5));
        // Offsets 0, 1, 2, ... in each partition, and every partition (of both chains) got records.
        const byPartition = new Map<number, number[]>();
        for (const r of rows)
          byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r.offset]);
        for (const [p, offsets] of byPartition)
          expect(offsets, `partition ${p}`).toEqual(offsets.map((_, i) => i));
        expect(byPartition.size).toBe(PARTITIONS);
      },
    );
  }, 90_000);
});
