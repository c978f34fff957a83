import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';
import { requireTool } from './support/tools.js';

const run = promisify(execFile);

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

describe('kcat (librdkafka)', () => {
  it('lists metadata with -L, auto-creating the topic it names', async () => {
    const kcat = requireTool('/usr/bin/kcat', 'kcat');
    const { stdout } = await run(kcat, ['-b', tb.bootstrap, '-L', '-t', 'from-kcat', '-J', '-m', '10'], {
      timeout: 20_000,
    });
    const meta = JSON.parse(stdout) as {
      brokers: { id: number; name: string }[];
      topics: {
        topic: string;
        partitions: { partition: number; leader: number; replicas: { id: number }[] }[];
      }[];
    };
    expect(meta.brokers).toEqual([{ id: 1, name: tb.bootstrap }]);
    expect(meta.topics[0]).toMatchObject({ topic: 'from-kcat', partitions: [{ partition: 0, leader: 1 }] });
  });
});
