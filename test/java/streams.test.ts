import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { JavaDriver, one } from '../support/java.js';

// Kafka Streams 4.1.1 against Kilgore: the word-count topology, at-least-once (exactly-once needs
// transactions, which Kilgore does not have yet). One broker and one JVM (Streams.java).

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

describe('Kafka Streams word count (at-least-once)', () => {
  it('counts words through a repartition topic and a changelog, and a fresh instance restores them', async () => {
    const lines = await java.run('wordcount', tb.bootstrap, 'wc', first.join('\n'), more.join('\n'));
    const counts = lines.filter((l) => l.step === 'counts');
    expect(counts.map((l) => l.phase)).toEqual([1, 2]);
    expect(counts[0]!.counts).toEqual(wordCounts(first));
    expect(counts[1]!.counts).toEqual(wordCounts([...first, ...more]));
    expect((counts[1]!.counts as Record<string, number>).kilgore).toBe(4);
    const internal = one(lines, 'internal');
    expect(internal.topics).toEqual(['wc-by-word-repartition', 'wc-counts-changelog']);
    // Every input line and every repartitioned word was committed by the group.
    const committed = internal.committed as Record<string, number>;
    const total = (prefix: string) =>
      Object.entries(committed)
        .filter(([k]) => k.startsWith(prefix))
        .reduce((a, [, v]) => a + v, 0);
    expect(total('wc-lines/')).toBe(first.length + more.length);
    expect(total('wc-by-word-repartition/')).toBe(
      Object.values(wordCounts([...first, ...more])).reduce((a, b) => a + b, 0),
    );
  });
});
