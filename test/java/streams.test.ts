import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { JavaDriver, one } from '../support/java.js';

// Kafka Streams 4.1.1 against Kilgore: the word-count topology, at-least-once and exactly-once
// (v2). One broker and one JVM (Streams.java) for both.

let tb: TestBroker;
let java: JavaDriver;
beforeAll(async () => {
  java = JavaDriver.start('Streams');
  tb = await startTestBroker({ 'group.initial.rebalance.delay.ms': '0' });
});
afterAll(async () => {
  await java?.stop();
  await tb?.stop();
});

const first = [
  'the quick brown fox jumps over the lazy dog',
  'The dog barks; the fox runs.',
  'a quick test of kafka streams on kilgore',
  'streams count words, words count streams',
];
const more = ['the fox again', 'kilgore kilgore KILGORE', 'dog days'];

function wordCounts(lines: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const w of lines.flatMap((l) => l.toLowerCase().split(/\W+/)).filter((w) => w !== '')) {
    counts[w] = (counts[w] ?? 0) + 1;
  }
  return counts;
}

const words = (lines: string[]) => Object.values(wordCounts(lines)).reduce((a, b) => a + b, 0);

// Exactly-once (v2) runs on Kilgore's transactions: each task's output, changelog writes and
// consumed offsets commit in one transaction; the output is read read_committed.
describe.each([
  ['at-least-once', 'at_least_once', 'wc'],
  ['exactly-once v2', 'exactly_once_v2', 'wc-eos'],
])('Kafka Streams word count (%s)', (_label, guarantee, app) => {
  it('counts words through a repartition topic and a changelog, and a fresh instance restores them', async () => {
    const lines = await java.run(
      'wordcount',
      tb.bootstrap,
      app,
      first.join('\n'),
      more.join('\n'),
      guarantee,
    );
    const counts = lines.filter((l) => l.step === 'counts');
    expect(counts.map((l) => l.phase)).toEqual([1, 2]);
    expect(counts[0]!.counts).toEqual(wordCounts(first));
    expect(counts[1]!.counts).toEqual(wordCounts([...first, ...more]));
    expect((counts[1]!.counts as Record<string, number>).kilgore).toBe(4);
    // One output record per word counted: nothing processed twice across the restart.
    expect(counts.map((l) => l.updates)).toEqual([words(first), words([...first, ...more])]);
    const internal = one(lines, 'internal');
    expect(internal.topics).toEqual([`${app}-by-word-repartition`, `${app}-counts-changelog`]);
    // Every input line and every repartitioned word was committed by the group. Under exactly-once
    // the repartition topic is written in transactions, so its offsets also count the markers.
    const committed = internal.committed as Record<string, number>;
    const total = (prefix: string) =>
      Object.entries(committed)
        .filter(([k]) => k.startsWith(prefix))
        .reduce((a, [, v]) => a + v, 0);
    expect(total(`${app}-lines/`)).toBe(first.length + more.length);
    const repartitioned = total(`${app}-by-word-repartition/`);
    if (guarantee === 'at_least_once') expect(repartitioned).toBe(words([...first, ...more]));
    else expect(repartitioned).toBeGreaterThan(words([...first, ...more]));
  });
});
