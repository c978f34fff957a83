import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../support/broker.js';
import { JavaDriver, one } from '../support/java.js';

// KIP-848 with the Java client 4.1.1 (group.protocol=consumer, ConsumerProtocol.java): three
// members join and leave one group while a producer writes; each commits after every poll, so no
// record may be lost or seen twice. Once per server-side assignor.

let java: JavaDriver;
beforeAll(() => {
  java = JavaDriver.start('ConsumerProtocol');
});
afterAll(async () => {
  await java?.stop();
});

describe('Java client with group.protocol=consumer', () => {
  for (const assignor of ['uniform', 'range']) {
    it(`three members join and leave under load (${assignor}): nothing lost, nothing twice`, async () => {
      const broker = await startTestBroker();
      try {
        const lines = await java.run(
          'churn',
          broker.bootstrap,
          `cp-${assignor}`,
          `cp-${assignor}-g`,
          assignor,
          3000,
        );
        const r = one(lines, 'churn');
        expect(r).toMatchObject({ produced: 3000, distinct: 3000, missing: 0, duplicates: 0, errors: [] });
        expect(r.revocations as number).toBeGreaterThan(0);
        expect(one(lines, 'admin')).toMatchObject({
          listedType: 'Consumer',
          describedType: 'Consumer',
          assignor,
          members: 2,
        });
      } finally {
        await broker.stop();
      }
    }, 120_000);
  }
});
