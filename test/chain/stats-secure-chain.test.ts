import { rmSync } from 'node:fs';
import { ApiKey, decodeRecordBatchSync, type FetchResponse, iterateBatches } from '@kilgore/protocol';
import { describe, expect, it } from 'vitest';
import { onCluster } from '../support/chain-views.js';
import { waitFor } from '../support/cluster.js';
import { fetchBody } from '../support/request-bodies.js';
import { ADMIN_USER, SecureClient, secureClusterSetup } from '../support/secure-cluster.js';

// The stats topic on a 3-node chain whose only listener is SASL_SSL with the authorizer on: the
// middle and the tail send their records to the head over TLS after a SCRAM login as the
// inter-broker user, as replication does; all three nodes' records are read back at the head.

const STATS = '_kilgore_stats';

describe('stats topic on a secured chain', () => {
  it("takes every node's record at the head over TLS+SCRAM", async () => {
    const setup = secureClusterSetup();
    try {
      await onCluster(
        {
          chains: [{ name: 'a', nodes: [1, 2, 3] }],
          settings: { ...setup.settings, 'kilgore.stats.enable': 'true', 'kilgore.stats.interval.ms': '300' },
          probe: setup.probe,
        },
        async (cluster) => {
          const nodes = await waitFor('a stats record from each of the 3 nodes at the head', async () => {
            const c = await SecureClient.open(
              cluster.node(1).address,
              setup.ca,
              ADMIN_USER.user,
              ADMIN_USER.password,
              'PLAIN',
            );
            try {
              const res = await c.request<FetchResponse>(
                ApiKey.Fetch,
                11,
                fetchBody(STATS, [{ partition: 0 }]),
              );
              const records = res.responses[0]?.partitions[0]?.records;
              if (!records || records.length === 0) return undefined;
              const keys = new Set<string>();
              for (const b of iterateBatches(records)) {
                for (const r of decodeRecordBatchSync(records.subarray(b.position, b.position + b.size))
                  .records) {
                  const value = JSON.parse(r.value!.toString()) as { node: number };
                  expect(String(value.node)).toBe(r.key?.toString());
                  keys.add(r.key!.toString());
                }
              }
              return keys.size === 3 ? keys : undefined;
            } finally {
              c.close();
            }
          });
          expect([...nodes].sort()).toEqual(['1', '2', '3']);
        },
      );
    } finally {
      rmSync(setup.dir, { recursive: true, force: true });
    }
  }, 120_000);
});
