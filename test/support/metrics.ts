/** Reading a broker's /metrics (kilgore.metrics.listener) and its stats topic in tests. */
import { execFile } from 'node:child_process';
import { requireTool } from './tools.js';

/** Value of the sample `name{labels}` (labels may be a subset) in Prometheus text, or undefined. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[4]);
  }
  return undefined;
}

/** GET the metrics page over HTTP; a status other than 200 throws with the body. */
export async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${text}`);
  return text;
}

/** One record of the stats topic (kilgore.stats.enable), as every node writes it. */
export interface StatsTopicRecord {
  key: string;
  value: {
    node: number;
    topics: Record<
      string,
      { puts: number; gets: number; errors: number; lastOffset: Record<string, number> }
    >;
  };
}

/**
 * Every record of the stats topic so far, read with kcat -e from a live broker (asynchronously:
 * an in-process broker must keep answering). librdkafka reports end-of-partition only on a fetch
 * answered empty at the high watermark; with its default fetch.wait.max.ms (500) above the stats
 * interval each fetch is woken by the next record and kcat -e never ends, against Apache Kafka
 * 4.1.1 as against Kilgore (README), so the wait is set below the interval.
 */
export function readStatsTopic(bootstrap: string, topic = '_kilgore_stats'): Promise<StatsTopicRecord[]> {
  const kcat = requireTool('/usr/bin/kcat', 'kcat');
  const args = ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q'];
  args.push('-X', 'fetch.wait.max.ms=50', '-f', '%k\t%s\n');
  return new Promise((resolve, reject) => {
    const child = execFile(kcat, args, { timeout: 20_000 }, (err, out, errOut) => {
      if (err) return reject(new Error(`kcat ${args.join(' ')}: ${err.message} ${errOut}`));
      const lines = out.split('\n').filter((l) => l !== '');
      resolve(
        lines.map((l) => {
          const [key, value] = l.split('\t');
          return { key: key!, value: JSON.parse(value!) as StatsTopicRecord['value'] };
        }),
      );
    });
    child.stdin?.end();
  });
}
