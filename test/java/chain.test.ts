import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onCluster } from '../support/chain-views.js';
import { JavaDriver, one } from '../support/java.js';

// The Java client (Clients.java) against a 3-node Kilgore chain (node processes on 127.0.0.1, .2,
// .3): its idempotent acks=all producer writes at the head and every record comes back in order,
// a classic group rebalances and resumes, and the Admin client sees three brokers, each
// partition led by the head with the chain as replicas and ISR. One JVM for the file.

let java: JavaDriver;
beforeAll(() => {
  java = JavaDriver.start('Clients');
});
afterAll(async () => {
  await java?.stop();
});

describe('Java client against a 3-node chain', () => {
  it('produces through the chain, consumes in a group, and describes the cluster', async () => {
    const chains = [{ name: 'a', nodes: [1, 2, 3] }];
    await onCluster({ chains, settings: { 'group.initial.rebalance.delay.ms': '0' } }, async (cluster) => {
      const bootstrap = cluster.bootstrap.join(',');
      const produced = one(await java.run('produce', bootstrap, 'chain-produce', 'lz4', 2000), 'produce');
      expect(produced).toMatchObject({ sent: 2000, received: 2000, mismatches: 0, outOfOrder: 0 });

      const group = await java.run('group', bootstrap, 'chain-group', 'chain-group-g');
      expect(one(group, 'consumed')).toMatchObject({ distinct: 400, duplicates: 0, asyncError: null });
      expect(one(group, 'resumed')).toMatchObject({ count: 40, oldValues: 0 });

      const admin = await java.run('admin', bootstrap, 'chain-admin');
      const head = cluster.node(1).address;
      expect(one(admin, 'describeCluster')).toMatchObject({ nodes: 3, host: head.host, port: head.port });
      expect(one(admin, 'describeTopics').partitions).toEqual(
        [0, 1, 2].map((partition) => ({ partition, leader: 1, replicas: 3, isr: 3 })),
      );
      expect(one(admin, 'groups')).toMatchObject({ state: 'Stable', offsets: { 'chain-admin-b/0': 10 } });
      expect(one(admin, 'deleteRecords')).toMatchObject({ lowWatermark: 4, earliest: 4 });
    });
  });
});
