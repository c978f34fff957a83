import { Admin } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';

// @platformatic/kafka 1.35 (what Node 20 installs) speaks flexible versions only: ApiVersions v3,
// Metadata v9+, CreateTopics v7, DeleteTopics v6. It is the check that tagged fields are right.
let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

describe('@platformatic/kafka 1.35 admin (flexible versions)', () => {
  it('creates, lists and deletes topics', async () => {
    const admin = new Admin({ clientId: 'kilgore-test', bootstrapBrokers: [tb.bootstrap], retries: 1 });
    try {
      const created = await admin.createTopics({ topics: ['flex-a', 'flex-b'], partitions: 2, replicas: 1 });
      expect(created.map((t) => [t.name, t.partitions]).sort()).toEqual([
        ['flex-a', 2],
        ['flex-b', 2],
      ]);
      expect(created[0]?.id).toMatch(/^[0-9a-f-]{36}$|^[A-Za-z0-9_-]{22}$/);
      expect((await admin.listTopics()).sort()).toEqual(['flex-a', 'flex-b']);
      await admin.deleteTopics({ topics: ['flex-b'] });
      expect(await admin.listTopics()).toEqual(['flex-a']);
    } finally {
      await admin.close();
    }
  });
});
