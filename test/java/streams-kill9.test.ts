import { type ChildProcess, spawn } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { onCluster } from '../support/chain-views.js';
import { waitFor } from '../support/cluster.js';
import { javaArgs } from '../support/java.js';
import { tempDir } from '../support/temp-dir.js';

// Kafka Streams 4.1.1 word count with processing.guarantee=exactly_once_v2 while things die:
// the Streams process is killed with kill -9 mid-run and a new one started on its state dir,
// then the broker process is killed with kill -9 mid-run and restarted on its log dir. Read
// read_committed, each word's counts are 1, 2, ..., n with none repeated or skipped, and the last
// one is the exact number of times the word was sent.

const APP = 'wc-kill9';
const VOCABULARY = 40;
const WORDS_PER_LINE = 8;
const workers: ChildProcess[] = [];
afterAll(() => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
});

/** Line `i` of the input: WORDS_PER_LINE words of the vocabulary, spread by a fixed rule. */
const line = (i: number) =>
  Array.from({ length: WORDS_PER_LINE }, (_, j) => `w${((i * WORDS_PER_LINE + j) * 7) % VOCABULARY}`).join(
    ' ',
  );

function startWorker(bootstrap: string, stateDir: string): { child: ChildProcess; running: Promise<void> } {
  const child = spawn('java', javaArgs('StreamsWorker', [bootstrap, APP, stateDir, 'exactly_once_v2']), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workers.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const running = waitFor(
    `the Streams worker to be RUNNING (output: ${out.slice(-2000)})`,
    () => {
      if (child.exitCode !== null) throw new Error(`the Streams worker exited: ${out.slice(-4000)}`);
      return out.includes('"step":"running"') ? true : undefined;
    },
    60_000,
  );
  return { child, running };
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await exited;
}

describe('Kafka Streams exactly_once_v2 through kill -9', () => {
  it('counts every word exactly once when the Streams process and then the broker are killed mid-run', async () => {
    await onCluster(
      {
        chains: [{ name: 'single', nodes: [1] }],
        replication: false,
        settings: { 'group.initial.rebalance.delay.ms': '0' },
      },
      async (cluster) => {
        const bootstrap = cluster.bootstrap[0]!;
        const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 20 } });
        const admin = kafka.admin();
        await admin.connect();
        await admin.createTopics({
          topics: [
            { topic: `${APP}-lines`, numPartitions: 3 },
            { topic: `${APP}-counts`, numPartitions: 3 },
          ],
        });
        await admin.disconnect();

        const expected = new Map<string, number>();
        const producer = kafka.producer();
        const send = async (from: number, to: number) => {
          await producer.connect();
          for (let i = from; i < to; i += 100) {
            const lines = Array.from({ length: Math.min(100, to - i) }, (_, k) => line(i + k));
            await producer.send({
              topic: `${APP}-lines`,
              acks: -1,
              messages: lines.map((value) => ({ value })),
            });
            for (const w of lines.flatMap((l) => l.split(' '))) expected.set(w, (expected.get(w) ?? 0) + 1);
          }
          await producer.disconnect();
        };

        // Every committed count update, per word in order (kafkajs reads read_committed). A batch
        // the reader gets again after the broker's restart (its own commit lost) is skipped.
        const updates = new Map<string, number[]>();
        const read = new Set<string>();
        let seen = 0;
        const consumer = kafka.consumer({ groupId: `${APP}-reader`, maxWaitTimeInMs: 200 });
        await consumer.connect();
        await consumer.subscribe({ topic: `${APP}-counts`, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ partition, message }) => {
            if (read.has(`${partition}:${message.offset}`)) return;
            read.add(`${partition}:${message.offset}`);
            const word = message.key!.toString();
            updates.set(word, [...(updates.get(word) ?? []), Number(message.value!.readBigInt64BE())]);
            seen++;
          },
        });
        const progressed = (n: number, what: string) =>
          waitFor(
            `${n} committed count updates ${what} (has ${seen})`,
            () => (seen >= n ? true : undefined),
            90_000,
          );

        try {
          await send(0, 3000);
          const stateDir = tempDir('kilgore-streams-kill9-');
          const first = startWorker(bootstrap, stateDir);
          await first.running;
          await progressed(1500, 'before the Streams process is killed');
          await kill9(first.child);
          const atWorkerKill = seen;

          const second = startWorker(bootstrap, stateDir);
          await second.running;
          await progressed(atWorkerKill + 1500, 'before the broker is killed');
          await cluster.kill(1);
          const atBrokerKill = seen;
          await cluster.restart(1);
          await send(3000, 4000);
          const total = [...expected.values()].reduce((a, b) => a + b, 0);
          await waitFor(
            `every word's last count to be its number of occurrences (${seen} of ${total} updates)`,
            () => ([...expected].every(([w, n]) => updates.get(w)?.at(-1) === n) ? true : undefined),
            120_000,
          );
          await new Promise((r) => setTimeout(r, 1000)); // a repeated update would arrive by now
          console.log(
            `streams kill -9: ${total} words counted; Streams process killed after ${atWorkerKill} updates, broker after ${atBrokerKill}`,
          );
          for (const [w, n] of expected) {
            expect(updates.get(w), `the committed counts of ${w}`).toEqual(
              Array.from({ length: n }, (_, k) => k + 1),
            );
          }
          expect(seen).toBe(total);
          await kill9(second.child);
        } finally {
          await consumer.disconnect();
        }
      },
    );
  }, 400_000);
});
