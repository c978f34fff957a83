import { describe, expect, it } from 'vitest';
import { createTopic, onCluster, placementFrom } from '../support/chain-views.js';
import { waitFor } from '../support/cluster.js';
import { fetchAll, produceOnce } from '../support/wire.js';

// min.insync.replicas is the shortest chain that may acknowledge acks=all: once the chain is
// shorter (a member removed from the membership), acks=all is refused with NOT_ENOUGH_REPLICAS
// while acks=1 still works, as in Kafka; with the member back, acks=all works again.

const TOPIC = 'guarded';
const NOT_ENOUGH_REPLICAS = 19;

describe('min.insync.replicas on a chain', () => {
  it('refuses acks=all while the chain is shorter, and accepts it again once the member is back', async () => {
    await onCluster(
      { chains: [{ name: 'a', nodes: [1, 2, 3] }], settings: { 'min.insync.replicas': '3' } },
      async (cluster) => {
        await createTopic(cluster, TOPIC, 1);
        const head = cluster.node(1).address;
        expect(
          await waitFor('an acks=all write', async () =>
            (await produceOnce(head, TOPIC, 0, ['full'])) === 0 ? true : undefined,
          ),
        ).toBe(true);

        await cluster.stop(3);
        cluster.setMembership([{ name: 'a', nodes: [1, 2] }]);
        await waitFor('the chain 1 -> 2', async () =>
          (await placementFrom(cluster, 1, TOPIC)).every((p) => p.replicas.join() === '1,2')
            ? true
            : undefined,
        );
        const refused = await waitFor('the 2-node chain to take writes', async () => {
          const code = await produceOnce(head, TOPIC, 0, ['short-all']);
          return code === 6 ? undefined : code; // NOT_LEADER_OR_FOLLOWER while the head reconciles
        });
        expect(refused, 'acks=all on a chain of 2 with min.insync.replicas=3').toBe(NOT_ENOUGH_REPLICAS);
        expect(await produceOnce(head, TOPIC, 0, ['short-one'], 1), 'acks=1 on the same chain').toBe(0);

        cluster.setMembership([{ name: 'a', nodes: [1, 2, 3] }]);
        await cluster.restart(3);
        const back = await waitFor('acks=all on the full chain again', async () => {
          const code = await produceOnce(head, TOPIC, 0, ['full-again']);
          return code === 0 ? code : undefined;
        });
        expect(back).toBe(0);
        // A refused acks=all write was refused before the append: it is in no log.
        const values = (await fetchAll(head, TOPIC, 0)).map((r) => r.value);
        expect(values).not.toContain('short-all');
        expect(values.filter((v) => v === 'short-one')).toEqual(['short-one']);
        expect(values.at(-1)).toBe('full-again');
      },
    );
  }, 90_000);
});
