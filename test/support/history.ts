import type { FetchedRecord } from './wire.js';

/**
 * The history checker: what the producers were told about each write, against what the logs
 * hold afterwards.
 *
 * Each write attempt carries a unique value and ends one of three ways:
 * - acked: the broker answered acks=all without error. It must be in every log exactly once
 *   (chain replication answers only once every member has it, so this holds for each node);
 * - failed: an answer that proves the write was never appended (NOT_LEADER_OR_FOLLOWER from a
 *   node that is not the head, a connection that was never opened). It must be nowhere;
 * - unknown: anything else (timeout, connection lost mid-request, NOT_ENOUGH_REPLICAS after the
 *   head appended). It may be there, at most once.
 * Every log must also be gap-free from offset 0, hold no value nobody wrote, keep each
 * producer's acknowledged writes to a partition in the order they were sent, and be a prefix of
 * the longest log of its partition.
 */

export type Outcome = 'acked' | 'failed' | 'unknown';

export interface Write {
  topic: string;
  partition: number;
  /** Who sent it, one sequential sender per (producer, partition): order is checked per lane. */
  producer: string;
  /** Position in the producer's sends to this partition, from 0. */
  seq: number;
  value: string;
  outcome: Outcome;
  /** Why it failed or is unknown, for the report. */
  error?: string;
  /** When it was sent and answered (Date.now()), to place a violation in the test's timeline. */
  sentAt?: number;
  answeredAt?: number;
}

/** One view of the partitions: a node's log dir, or what consumers can fetch from a head. */
export interface Observation {
  /** e.g. "node 2 log dir", "committed at head 1". */
  source: string;
  /** By `<topic>-<partition>`; a partition missing here counts as an empty log. */
  partitions: Map<string, FetchedRecord[]>;
  /** The partitions this view must hold (a node holds only its chains'); all when omitted. */
  covers?: ReadonlySet<string>;
}

export interface CheckResult {
  ok: boolean;
  violations: string[];
  /** Counts, for the test's log line. */
  summary: string;
}

/** At most this many lines per kind of violation, then a count. */
const MAX_PER_KIND = 10;

export function checkHistory(writes: readonly Write[], observations: readonly Observation[]): CheckResult {
  const byValue = new Map<string, Write>();
  const partitions = new Set<string>();
  const duplicatesInHistory: string[] = [];
  for (const w of writes) {
    if (byValue.has(w.value)) duplicatesInHistory.push(w.value);
    byValue.set(w.value, w);
    partitions.add(`${w.topic}-${w.partition}`);
  }
  const found: Record<string, string[]> = {};
  const report = (kind: string, line: string) => {
    const list = found[kind] ?? [];
    found[kind] = list;
    list.push(line);
  };
  for (const v of duplicatesInHistory)
    report('history reuses a value', `${v} was sent twice: the workload is broken`);

  for (const key of [...partitions].sort()) {
    const logs = observations
      .filter((o) => o.covers === undefined || o.covers.has(key))
      .map((o) => ({ source: o.source, records: o.partitions.get(key) ?? [] }));
    if (logs.length === 0) report('partition nobody holds', `${key}: no view covers it`);
    for (const { source, records } of logs) checkOneLog(key, source, records, byValue, report);
    checkPrefixes(key, logs, report);
  }

  let unknownPresent = 0;
  const anywhere = new Set<string>();
  for (const o of observations)
    for (const recs of o.partitions.values()) for (const r of recs) anywhere.add(r.value);
  const counts = { acked: 0, failed: 0, unknown: 0 };
  for (const w of writes) {
    counts[w.outcome]++;
    if (w.outcome === 'unknown' && anywhere.has(w.value)) unknownPresent++;
  }
  const violations: string[] = [];
  for (const [kind, lines] of Object.entries(found)) {
    violations.push(`${kind}: ${lines.length}`);
    for (const l of lines.slice(0, MAX_PER_KIND)) violations.push(`  ${l}`);
    if (lines.length > MAX_PER_KIND) violations.push(`  ... and ${lines.length - MAX_PER_KIND} more`);
  }
  return {
    ok: violations.length === 0,
    violations,
    summary:
      `${writes.length} writes (${counts.acked} acked, ${counts.failed} failed, ${counts.unknown} unknown of which ` +
      `${unknownPresent} landed) over ${partitions.size} partitions, checked in ${observations.length} views`,
  };
}

function checkOneLog(
  key: string,
  source: string,
  records: readonly FetchedRecord[],
  byValue: ReadonlyMap<string, Write>,
  report: (kind: string, line: string) => void,
): void {
  const where = `${source} ${key}`;
  // Offsets: 0, 1, 2, ... with no hole and no repeat.
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.offset !== i) {
      report('offset gap or repeat', `${where}: record #${i} has offset ${r.offset} (expected ${i})`);
      break;
    }
  }
  const seen = new Map<string, number>();
  const lastAcked = new Map<string, { seq: number; offset: number }>();
  for (const r of records) {
    seen.set(r.value, (seen.get(r.value) ?? 0) + 1);
    const w = byValue.get(r.value);
    if (w === undefined) {
      report('value nobody wrote', `${where}@${r.offset}: ${JSON.stringify(r.value.slice(0, 80))}`);
      continue;
    }
    if (`${w.topic}-${w.partition}` !== key)
      report(
        'value in the wrong partition',
        `${where}@${r.offset}: ${w.value} was sent to ${w.topic}-${w.partition}`,
      );
    if (w.outcome === 'failed')
      report(
        'failed write present',
        `${where}@${r.offset}: ${w.value} (the producer was told: ${w.error ?? 'failed'})`,
      );
    if (w.outcome === 'acked') {
      const prev = lastAcked.get(w.producer);
      if (prev !== undefined && prev.seq > w.seq)
        report(
          'acked writes out of send order',
          `${where}: ${w.producer} seq ${w.seq} @${r.offset} after seq ${prev.seq} @${prev.offset}`,
        );
      lastAcked.set(w.producer, { seq: w.seq, offset: r.offset });
    }
  }
  for (const [value, n] of seen) {
    if (n > 1) report('value duplicated', `${where}: ${value} appears ${n} times`);
  }
  for (const w of byValue.values()) {
    if (w.outcome !== 'acked' || `${w.topic}-${w.partition}` !== key) continue;
    if (!seen.has(w.value)) report('acked write lost', `${where}: ${w.value} is missing`);
  }
}

/** Every log of the partition must be a prefix of the longest one (same values at the same offsets). */
function checkPrefixes(
  key: string,
  logs: ReadonlyArray<{ source: string; records: readonly FetchedRecord[] }>,
  report: (kind: string, line: string) => void,
): void {
  if (logs.length === 0) return;
  const longest = logs.reduce((a, b) => (b.records.length > a.records.length ? b : a), logs[0]!);
  for (const log of logs) {
    if (log === longest) continue;
    for (let i = 0; i < log.records.length; i++) {
      const mine = log.records[i]!;
      const theirs = longest.records[i]!;
      if (mine.offset !== theirs.offset || mine.value !== theirs.value) {
        report(
          'log not a prefix of the longest',
          `${key}: ${log.source} has ${mine.value}@${mine.offset} where ${longest.source} has ${theirs.value}@${theirs.offset}`,
        );
        break;
      }
    }
  }
}
