/**
 * Sends this node's log to its successor: one connection, up to MAX_IN_FLIGHT ChainAppends in
 * flight, each carrying every partition that has something new (read back from the local log
 * from the successor's log end, so catch-up and the live stream are one code path). Acks carry
 * what the tail has; they move this node's high watermark. A failure of any kind drops the
 * connection and starts over with a handshake (position, divergence, truncation) after a back-off.
 */
import { ErrorCode } from '@kilgore/protocol';
import type { PartitionLog } from '@kilgore/storage';
import { divergencePoint, type ReplicaPosition } from './divergence.js';
import type { ChainLogger, ReplicaHost } from './host.js';
import { TRACE_ENABLED, traceSent } from './trace.js';
import { PeerConnection, type PeerDialer } from './wire/peer.js';
import {
  type AppendRequest,
  type AppendResponse,
  ChainApiKey,
  type PositionResponse,
} from './wire/schemas.js';

export const MAX_IN_FLIGHT = 8;
/** Per partition per message: bounds a catch-up message. */
export const PARTITION_BYTES = 1024 * 1024;
export const MESSAGE_BYTES = 8 * 1024 * 1024;
/**
 * Live traffic (bytes just appended) goes in messages of about this size; catch-up from the log
 * uses MESSAGE_BYTES. (Smaller live messages, 64-256 KiB, so the hops would work on a burst in
 * pieces, measured no better on the loaded 2-core test machine.)
 */
export const LIVE_MESSAGE_BYTES = 1024 * 1024;
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 2000;

/** Bytes just appended locally, kept to forward without reading them back from the log. */
export interface Appended {
  buf: Buffer;
  base: number;
  end: number;
}

/** Above this many bytes waiting per partition (a slow successor), forward from the log instead. */
const MAX_KEPT_BYTES = 16 * 1024 * 1024;
/** The same bound over every partition of the chain. */
const MAX_KEPT_TOTAL_BYTES = 64 * 1024 * 1024;

interface PartitionState {
  topic: string;
  partition: number;
  /** The successor's log end as far as what was sent goes. */
  sent: number;
  /** What the tail is known to have. */
  acked: number;
  /** The successor's own log end, as its last answer (or the handshake) gave it. */
  successorEnd: number;
  /** Truncation to send with the next message; -1 for none. */
  truncateTo: number;
  /** Send an entry even without records (ask for the ack). */
  probe: boolean;
  /** Recent appends not yet sent, in offset order (a cache: the log is the truth). */
  kept: Appended[];
  keptBytes: number;
  /** The successor refused this partition (it does not host it in its view): skipped until then. */
  refusedUntil: number;
  /** The highest log start offset put in an entry (a higher local one is sent, records or not). */
  startSent: number;
  /** The lowest log start offset of the successor and the nodes after it (its answers); -1 unknown. */
  startAcked: number;
  /** The successor could not take the start offset yet (its high watermark was below): resend then. */
  startRetryAt: number;
}

/** How soon a log start offset the successor could not take yet is sent again. */
const START_RETRY_MS = 100;
/**
 * How often the forwarder looks for a log start offset moved without a message (retention at
 * this node deleting segments, which tells no one): it is then sent on its own.
 */
const START_SCAN_MS = 1000;

/** How long a partition the successor refused is left out before it is tried again. */
const REFUSED_RETRY_MS = 1000;

/**
 * How soon partitions whose ack lags what was sent are asked again, once nothing is in flight
 * (the successor answered early: its own successor was down, or its ack wait timed out).
 */
const LAG_PROBE_MS = 200;

export interface ForwarderOptions {
  chainName: string;
  nodeId: number;
  successor: { nodeId: number; host: string; port: number };
  host: ReplicaHost;
  log: ChainLogger;
  /** The chain epoch to stamp on messages (read each time: it grows). */
  epoch: () => number;
  /** The partitions of this chain that this node hosts. */
  partitions: () => Array<{ topic: string; partition: number }>;
  /** Whether this node still replicates a partition (the membership may have moved it away). */
  owns: (topic: string, partition: number) => boolean;
  /** The successor answered FENCED_LEADER_EPOCH: this node is stale. */
  onFenced: (theirEpoch: number) => void;
  connectTimeoutMs: number;
  /** Opens the connection to the successor (plain TCP when absent). */
  dialer?: PeerDialer;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class Forwarder {
  readonly #o: ForwarderOptions;
  #conn: PeerConnection | undefined;
  #phase: 'connecting' | 'streaming' | 'stopped' = 'connecting';
  #generation = 0;
  #backoff = BACKOFF_MIN_MS;
  #timer: NodeJS.Timeout | undefined;
  #startScan: NodeJS.Timeout | undefined;
  #inFlight = 0;
  #scheduled = false;
  readonly #parts = new Map<string, PartitionState>();
  /** Bytes kept over all partitions (recounted at every message built; a bound, not a ledger). */
  #keptSum = 0;
  /** Per partition: aborted when the successor refuses it, so waits for its ack end at once. */
  readonly #refusals = new Map<string, AbortController>();
  /** Per partition: waits for the successor's log start offset to reach a target. */
  readonly #startWaiters = new Map<string, Array<{ target: number; done: (ok: boolean) => void }>>();
  /** Aborted when the current stream to the successor ends (connection lost, reset, stop). */
  #stream = abortedController();
  #lagTimer: NodeJS.Timeout | undefined;
  /**
   * Messages sent and answered (tests and figures), and the time from sending each to its answer
   * summed (a middle answers once the tail has the records, so the rest of the chain counts).
   */
  stats = { messages: 0, bytes: 0, handshakes: 0, answerMs: 0 };
  readonly #trace: ReturnType<typeof traceSent> | undefined;

  constructor(opts: ForwarderOptions) {
    this.#o = opts;
    if (TRACE_ENABLED) this.#trace = traceSent(opts.nodeId);
  }

  get successorId(): number {
    return this.#o.successor.nodeId;
  }

  /**
   * Per partition streamed to the successor: the successor's log end and what the tail has, as
   * last answered (read when metrics are scraped). Empty until the first handshake.
   */
  *positions(): Generator<{ topic: string; partition: number; successorEnd: number; tailAcked: number }> {
    for (const s of this.#parts.values()) {
      yield { topic: s.topic, partition: s.partition, successorEnd: s.successorEnd, tailAcked: s.acked };
    }
  }

  get streaming(): boolean {
    return this.#phase === 'streaming';
  }

  start(): void {
    void this.#connect(this.#generation);
    this.#startScan = setInterval(() => this.#scanStarts(), START_SCAN_MS);
    this.#startScan.unref();
  }

  #scanStarts(): void {
    if (this.#phase !== 'streaming') return;
    for (const s of this.#parts.values()) {
      const log = this.#o.host.log(s.topic, s.partition);
      if (log !== undefined && log.logStartOffset > s.startSent) {
        this.#schedule();
        return;
      }
    }
  }

  /**
   * Aborted once the stream to the successor ends, at once if there is none: a predecessor's
   * message is then answered with the acks this node has instead of waiting for ones that cannot
   * come (they are asked for again: see #probeLagging). Without it, one partition whose last
   * replica is unreachable would hold up the answers for every other partition of the chain.
   */
  streamSignal(): AbortSignal {
    return this.#stream.signal;
  }

  stop(): void {
    this.#phase = 'stopped';
    this.#generation++;
    this.#stream.abort();
    if (this.#lagTimer) clearTimeout(this.#lagTimer);
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#startScan) clearInterval(this.#startScan);
    this.#conn?.close();
    this.#conn = undefined;
    for (const list of this.#startWaiters.values()) for (const w of list) w.done(false);
    this.#startWaiters.clear();
  }

  /**
   * The lowest log start offset of the successor and every node after it, as their last answer
   * said; -1 when not known yet (no answer for the partition since the last handshake).
   */
  startAckedOf(topic: string, partition: number): number {
    return this.#parts.get(key(topic, partition))?.startAcked ?? -1;
  }

  /**
   * Resolves true once the successor (and every node after it) has a log start offset of at least
   * `target`; false after `timeoutMs`, when `signal` aborts, or when the forwarder stops. The
   * local log start offset is sent with the next message (call after moving it).
   */
  waitForStartAck(
    topic: string,
    partition: number,
    target: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<boolean> {
    if (this.startAckedOf(topic, partition) >= target) return Promise.resolve(true);
    if (this.#phase === 'stopped' || signal?.aborted) return Promise.resolve(false);
    this.notify(topic, partition);
    const k = key(topic, partition);
    return new Promise<boolean>((resolve) => {
      let list = this.#startWaiters.get(k);
      if (list === undefined) {
        list = [];
        this.#startWaiters.set(k, list);
      }
      const waiter = {
        target,
        done: (ok: boolean) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          const l = this.#startWaiters.get(k);
          const i = l?.indexOf(waiter) ?? -1;
          if (i >= 0) l!.splice(i, 1);
          if (l?.length === 0) this.#startWaiters.delete(k);
          resolve(ok);
        },
      };
      const onAbort = () => waiter.done(false);
      const timer = setTimeout(onAbort, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', onAbort, { once: true });
      list.push(waiter);
    });
  }

  #startAdvanced(k: string, acked: number): void {
    const list = this.#startWaiters.get(k);
    if (list === undefined) return;
    for (const w of [...list]) if (acked >= w.target) w.done(true);
  }

  /**
   * New records in a local partition: send them soon. `appended` are the stored bytes (whole
   * batches from `base` to `end`), sent as they are when they continue what was sent; they must
   * not change afterwards.
   */
  notify(topic: string, partition: number, appended?: Appended): void {
    const s = this.#state(topic, partition);
    // Kept only while streaming: a handshake starts every partition afresh from the log anyway.
    if (appended && appended.end > appended.base && this.#phase === 'streaming') {
      if (this.#keptSum + appended.buf.length > MAX_KEPT_TOTAL_BYTES) {
        for (const p of this.#parts.values()) {
          p.kept = [];
          p.keptBytes = 0;
        }
        this.#keptSum = 0;
      }
      const last = s.kept.at(-1);
      if ((last !== undefined && last.end !== appended.base) || s.keptBytes > MAX_KEPT_BYTES) {
        this.#keptSum -= s.keptBytes;
        s.kept = [];
        s.keptBytes = 0;
      }
      if (appended.base >= s.sent) {
        s.kept.push(appended);
        s.keptBytes += appended.buf.length;
        this.#keptSum += appended.buf.length;
      }
    }
    this.#schedule();
  }

  /** Aborted if the successor refuses the partition (a wait for its ack would never end). */
  refusalSignal(topic: string, partition: number): AbortSignal {
    const k = key(topic, partition);
    let c = this.#refusals.get(k);
    if (c === undefined) {
      c = new AbortController();
      this.#refusals.set(k, c);
    }
    return c.signal;
  }

  /** Ask the successor for its ack of a partition even if there is nothing new to send. */
  probe(topic: string, partition: number): void {
    this.#state(topic, partition).probe = true;
    this.#schedule();
  }

  #state(topic: string, partition: number): PartitionState {
    const k = key(topic, partition);
    let s = this.#parts.get(k);
    if (s === undefined) {
      // A partition that appeared after the handshake: new, so the successor starts at 0 (if it
      // does not, it says so and the handshake runs again).
      const log = this.#o.host.log(topic, partition);
      s = {
        topic,
        partition,
        sent: log?.logStartOffset ?? 0,
        acked: 0,
        successorEnd: 0,
        truncateTo: -1,
        probe: true,
        kept: [],
        keptBytes: 0,
        refusedUntil: 0,
        startSent: -1,
        startAcked: -1,
        startRetryAt: 0,
      };
      this.#parts.set(k, s);
      // Likely a new topic: the table goes ahead of the first records on the same connection,
      // so the successor knows the topic when they arrive (requests are handled in order).
      if (this.#conn && this.#phase === 'streaming')
        void this.#o.host.beforeStream(this.#conn).catch(() => {});
    }
    return s;
  }

  async #connect(gen: number): Promise<void> {
    const { successor } = this.#o;
    while (gen === this.#generation && this.#phase !== 'stopped') {
      let conn: PeerConnection | undefined;
      try {
        conn = await PeerConnection.connect(
          successor.host,
          successor.port,
          this.#o.connectTimeoutMs,
          this.#o.dialer,
        );
        if (gen !== this.#generation) {
          conn.close();
          return;
        }
        await this.#o.host.beforeStream(conn);
        const pos = await conn.request<PositionResponse>(ChainApiKey.Position, {
          chainName: this.#o.chainName,
          chainEpoch: this.#o.epoch(),
          senderId: this.#o.nodeId,
          topics: null,
        });
        if (pos.errorCode !== ErrorCode.NONE) throw new Error(`position refused with error ${pos.errorCode}`);
        if (gen !== this.#generation) {
          conn.close();
          return;
        }
        this.#handshake(pos);
        this.#conn = conn;
        this.#phase = 'streaming';
        this.#stream = new AbortController();
        this.stats.handshakes++;
        conn.onClose((err) => this.#reset(gen, `connection lost: ${err.message}`));
        this.#o.log.info(
          { chain: this.#o.chainName, successor: successor.nodeId, partitions: this.#parts.size },
          'streaming to successor',
        );
        this.#schedule();
        return;
      } catch (err) {
        conn?.close();
        this.#o.log.warn(
          { chain: this.#o.chainName, successor: successor.nodeId, err: (err as Error).message },
          'successor unreachable; retrying',
        );
        await new Promise<void>((r) => {
          this.#timer = setTimeout(r, this.#backoff);
        });
        this.#backoff = Math.min(this.#backoff * 2, BACKOFF_MAX_MS);
      }
    }
  }

  /** From the successor's positions: where each partition resumes, and what it must cut. */
  #handshake(pos: PositionResponse): void {
    const theirs = new Map<string, ReplicaPosition>();
    for (const t of pos.topics) {
      for (const p of t.partitions) {
        theirs.set(key(t.name, p.index), {
          logStartOffset: Number(p.logStartOffset),
          logEndOffset: Number(p.logEndOffset),
          epochs: p.epochs.map((e) => ({ epoch: e.epoch, startOffset: Number(e.startOffset) })),
        });
      }
    }
    this.#parts.clear();
    for (const { topic, partition } of this.#o.partitions()) {
      const log = this.#o.host.log(topic, partition);
      if (!log) continue;
      const them = theirs.get(key(topic, partition)) ?? { logStartOffset: 0, logEndOffset: 0, epochs: [] };
      const mine = positionOf(log);
      let point = divergencePoint(mine, them);
      let truncateTo = them.logEndOffset > point ? point : -1;
      if (point < log.logStartOffset) {
        // What the successor lacks is gone from here (retention): it restarts at our log start.
        point = log.logStartOffset;
        truncateTo = point;
      }
      this.#parts.set(key(topic, partition), {
        topic,
        partition,
        sent: point,
        acked: log.highWatermark,
        successorEnd: them.logEndOffset,
        truncateTo,
        probe: true,
        kept: [],
        keptBytes: 0,
        refusedUntil: 0,
        // The first message carries our log start offset anyway (probe).
        startSent: them.logStartOffset,
        startAcked: them.logStartOffset,
        startRetryAt: 0,
      });
      this.#startAdvanced(key(topic, partition), them.logStartOffset);
      if (truncateTo >= 0 || point < log.logEndOffset) {
        this.#o.log.info(
          {
            chain: this.#o.chainName,
            successor: this.#o.successor.nodeId,
            topic,
            partition,
            theirEnd: them.logEndOffset,
            resumeAt: point,
            ourEnd: log.logEndOffset,
            truncate: truncateTo,
          },
          'successor catch-up',
        );
      }
    }
  }

  #reset(gen: number, why: string): void {
    if (gen !== this.#generation || this.#phase === 'stopped') return;
    this.#generation++;
    this.#phase = 'connecting';
    this.#stream.abort();
    this.#inFlight = 0;
    this.#conn?.close();
    this.#conn = undefined;
    this.#o.log.warn(
      { chain: this.#o.chainName, successor: this.#o.successor.nodeId, why },
      'forwarding reset',
    );
    const next = this.#generation;
    this.#timer = setTimeout(() => void this.#connect(next), this.#backoff);
    this.#backoff = Math.min(this.#backoff * 2, BACKOFF_MAX_MS);
  }

  #schedule(): void {
    if (this.#scheduled || this.#phase !== 'streaming') return;
    this.#scheduled = true;
    // Everything appended in this tick goes in one message.
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#phase === 'streaming' && this.#inFlight < MAX_IN_FLIGHT) {
      const msg = this.#build();
      if (msg === undefined) return;
      this.#send(msg);
    }
  }

  #build(): AppendRequest | undefined {
    let kept = 0;
    for (const p of this.#parts.values()) kept += p.keptBytes;
    this.#keptSum = kept;
    const byTopic = new Map<string, AppendRequest['topics'][number]>();
    let total = 0;
    let live = false;
    for (const s of this.#parts.values()) {
      if (total >= MESSAGE_BYTES || (live && total >= LIVE_MESSAGE_BYTES)) break;
      const log = this.#o.host.log(s.topic, s.partition);
      if (!log) continue;
      if (s.refusedUntil > Date.now()) continue;
      if (!this.#o.owns(s.topic, s.partition)) {
        // Moved to another chain by a membership change: nothing more to send.
        this.#parts.delete(key(s.topic, s.partition));
        continue;
      }
      const end = log.logEndOffset;
      const start = log.logStartOffset;
      // A log start offset the successor lacks goes even without records ("just the start").
      const startDue = start > s.startSent && s.startRetryAt <= Date.now();
      if (s.sent >= end && !s.probe && s.truncateTo < 0 && !startDue) continue;
      const logStartOffset = BigInt(start);
      let t = byTopic.get(s.topic);
      if (t === undefined) {
        t = { name: s.topic, partitions: [] };
        byTopic.set(s.topic, t);
      }
      // What was sent is no longer worth keeping.
      while (s.kept.length > 0 && s.kept[0]!.end <= s.sent) s.keptBytes -= s.kept.shift()!.buf.length;
      if (s.kept.length > 0 && s.kept[0]!.base === s.sent) {
        // The bytes just appended, in order. Consecutive appends go in ONE entry, copied together
        // once here, so the middle and the tail validate and write them with one call instead of
        // one per produce request (their file writes led their CPU profiles). An entry never
        // spans two of this node's segments: the successor rolls at the same offsets, and the
        // logs stay byte-identical, segment files included.
        const segments = log.segments;
        const startsSegment = (offset: number): boolean => {
          for (let i = segments.length - 1; i >= 0 && segments[i]!.baseOffset >= offset; i--) {
            if (segments[i]!.baseOffset === offset) return true;
          }
          return false;
        };
        let bytes = 0;
        let first = true;
        while (
          s.kept.length > 0 &&
          s.kept[0]!.base === s.sent &&
          (bytes === 0 || total + bytes < LIVE_MESSAGE_BYTES)
        ) {
          const parts: Buffer[] = [];
          let entryBytes = 0;
          do {
            const a = s.kept.shift()!;
            s.keptBytes -= a.buf.length;
            parts.push(a.buf);
            entryBytes += a.buf.length;
            s.sent = a.end;
          } while (
            s.kept.length > 0 &&
            s.kept[0]!.base === s.sent &&
            total + bytes + entryBytes < LIVE_MESSAGE_BYTES &&
            !startsSegment(s.kept[0]!.base)
          );
          t.partitions.push({
            index: s.partition,
            truncateTo: BigInt(first ? s.truncateTo : -1),
            records: parts.length === 1 ? parts[0]! : Buffer.concat(parts, entryBytes),
            logStartOffset,
          });
          first = false;
          bytes += entryBytes;
        }
        total += bytes;
        live = true;
      } else {
        let records: Buffer | null = null;
        if (s.sent < end) {
          // Catching up (reading back from the log): as much as the message still has room for,
          // so a far-behind successor gets segment-sized chunks, not 1 MiB ones.
          const r = log.read(s.sent, Math.max(PARTITION_BYTES, MESSAGE_BYTES - total), end, true);
          if (r.records.length > 0) {
            records = r.records;
            s.sent = r.nextOffset;
            total += records.length;
          }
        }
        t.partitions.push({ index: s.partition, truncateTo: BigInt(s.truncateTo), records, logStartOffset });
      }
      s.truncateTo = -1;
      s.probe = false;
      if (start > s.startSent) s.startSent = start;
    }
    if (byTopic.size === 0) return undefined;
    this.stats.bytes += total;
    return {
      chainName: this.#o.chainName,
      chainEpoch: this.#o.epoch(),
      senderId: this.#o.nodeId,
      topics: [...byTopic.values()],
    };
  }

  #send(msg: AppendRequest): void {
    const conn = this.#conn;
    if (!conn) return;
    const gen = this.#generation;
    this.#inFlight++;
    const sentAt = performance.now();
    const inFlight = this.#inFlight;
    let bytes = 0;
    let entries = 0;
    if (this.#trace) {
      for (const t of msg.topics) {
        for (const p of t.partitions) {
          entries++;
          bytes += p.records?.length ?? 0;
        }
      }
    }
    // The answer's handler does not see `msg`: its records (views of received frames on a middle
    // node) are let go once written to the socket, not held until the successor's ack.
    conn.request<AppendResponse>(ChainApiKey.Append, msg).then(
      (res) => {
        this.#trace?.add({ bytes, entries, rttMs: performance.now() - sentAt, inFlight });
        if (gen !== this.#generation) return;
        this.#inFlight--;
        this.stats.messages++;
        this.stats.answerMs += performance.now() - sentAt;
        this.#onAnswer(gen, res);
        this.#schedule();
        this.#probeLagging();
      },
      (err: Error) => this.#reset(gen, `append failed: ${err.message}`),
    );
  }

  #onAnswer(gen: number, res: AppendResponse): void {
    if (res.errorCode === ErrorCode.FENCED_LEADER_EPOCH) {
      this.#o.onFenced(res.chainEpoch);
      this.#reset(gen, `fenced: the successor is at epoch ${res.chainEpoch}`);
      return;
    }
    if (res.errorCode !== ErrorCode.NONE) {
      this.#reset(gen, `successor refused the append with error ${res.errorCode}`);
      return;
    }
    let failed: string | undefined;
    this.#backoff = BACKOFF_MIN_MS;
    for (const t of res.topics) {
      for (const p of t.partitions) {
        if (
          p.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ||
          p.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER
        ) {
          this.#refused(t.name, p.index);
          continue;
        }
        if (p.errorCode !== ErrorCode.NONE) {
          failed ??= `${t.name}-${p.index}: error ${p.errorCode} (their end ${p.logEndOffset})`;
          continue;
        }
        const s = this.#parts.get(key(t.name, p.index));
        const log = this.#o.host.log(t.name, p.index);
        if (!s || !log) continue;
        const acked = Number(p.ackedOffset);
        if (acked > s.acked) s.acked = acked;
        if (p.logEndOffset >= 0n) s.successorEnd = Number(p.logEndOffset);
        raiseHighWatermark(log, s.acked);
        this.#startAnswered(s, Number(p.logStartOffset ?? -1n));
      }
    }
    if (failed) this.#reset(gen, failed);
  }

  /**
   * Everything sent was answered but some partitions' acks are below what was sent: ask for
   * them again shortly (a probe each), so the high watermark follows once the successor has them.
   */
  #probeLagging(): void {
    if (this.#lagTimer !== undefined || this.#inFlight > 0 || this.#phase !== 'streaming') return;
    const lagging = [...this.#parts.values()].filter((s) => s.acked < s.sent);
    if (lagging.length === 0) return;
    this.#lagTimer = setTimeout(() => {
      this.#lagTimer = undefined;
      for (const s of lagging) if (s.acked < s.sent) s.probe = true;
      this.#schedule();
    }, LAG_PROBE_MS);
    this.#lagTimer.unref();
  }

  /**
   * The successor's answer carries the lowest log start offset from it to the tail (answers come
   * in order, so the latest is the truth; it can go down after a truncation below it).
   */
  #startAnswered(s: PartitionState, start: number): void {
    if (start < 0) return; // an older successor (v0 answer), or it does not know yet
    s.startAcked = start;
    this.#startAdvanced(key(s.topic, s.partition), start);
    // Everything sent was answered and the successor is still below what was sent: it could not
    // take it yet (its high watermark was lower). Sent again shortly, not in a tight loop.
    if (this.#inFlight === 0 && start < s.startSent) {
      s.startSent = start;
      s.startRetryAt = Date.now() + START_RETRY_MS;
      setTimeout(() => this.#schedule(), START_RETRY_MS + 5).unref();
    }
  }

  /**
   * The successor does not host a partition in its view (views differ while a membership change
   * spreads, or the topic has not reached it yet): the partition alone is set aside and tried
   * again later from what the tail has; the rest of the stream goes on. Waits for its ack end.
   */
  #refused(topic: string, partition: number): void {
    const k = key(topic, partition);
    const s = this.#parts.get(k);
    if (s) {
      if (s.refusedUntil <= Date.now()) {
        this.#o.log.warn(
          { chain: this.#o.chainName, successor: this.#o.successor.nodeId, topic, partition },
          'successor does not take this partition; retrying it later',
        );
      }
      s.sent = Math.min(s.sent, s.acked);
      s.kept = [];
      s.keptBytes = 0;
      s.probe = true;
      s.refusedUntil = Date.now() + REFUSED_RETRY_MS;
      setTimeout(() => this.#schedule(), REFUSED_RETRY_MS + 10).unref();
    }
    this.#refusals.get(k)?.abort();
    this.#refusals.delete(k);
  }
}

function abortedController(): AbortController {
  const c = new AbortController();
  c.abort();
  return c;
}

/** Sets the high watermark to what the tail has, never past the local log end, never down. */
export function raiseHighWatermark(log: PartitionLog, acked: number): void {
  const hw = Math.min(acked, log.logEndOffset);
  if (hw > log.highWatermark) log.highWatermark = hw;
}

export function positionOf(log: PartitionLog): ReplicaPosition {
  return {
    logStartOffset: log.logStartOffset,
    logEndOffset: log.logEndOffset,
    epochs: log.epochs.entries,
  };
}
