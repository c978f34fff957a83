import type { Socket } from 'node:net';
import { invalidTopicNameReason } from '@kilgore/broker';
import type { Batcher, Origin } from './batcher.js';
import { FrameReader, FramingError, type Parsed } from './frame-reader.js';
import type { IngestStats } from './stats.js';
import type { ThrottledLog } from './throttled-log.js';

/**
 * One writer's connection. Writers normally just write and close (kahego's clients do); a writer
 * that wants to know what became of its messages shuts down its sending side instead and reads
 * one line back once every message it sent has been appended or dropped:
 * `OK <appended>` or `ERR <appended> <dropped> <first reason>`. A framing error (a length over
 * kilgore.ingest.max.message.bytes, or under 2) is answered at once with `ERR 0 0 <reason>` and
 * the connection closed, since nothing after it can be framed.
 */
export class IngestConnection implements Origin {
  private readonly reader: FrameReader;
  private readonly parsed: Parsed[] = [];
  private outstanding = 0;
  private appended = 0;
  private dropped = 0;
  private firstReason: string | undefined;
  private ended = false;

  constructor(
    readonly socket: Socket,
    maxFrameBytes: number,
    private readonly batcher: Batcher,
    private readonly stats: IngestStats,
    private readonly warn: ThrottledLog,
    private readonly onClose: (c: IngestConnection) => void,
  ) {
    this.reader = new FrameReader(maxFrameBytes);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', () => {}); // EPIPE/ECONNRESET from a writer that went away: 'close' follows
    socket.on('close', () => this.onClose(this));
  }

  settle(appended: boolean, reason?: string): void {
    this.outstanding--;
    if (appended) this.appended++;
    else this.drop(reason ?? 'dropped');
    this.maybeAnswer();
  }

  private drop(reason: string): void {
    this.dropped++;
    this.firstReason ??= reason;
  }

  private onData(chunk: Buffer): void {
    try {
      this.reader.push(chunk, this.parsed);
    } catch (err) {
      if (!(err instanceof FramingError)) throw err;
      this.warn.warn('framing', { reason: err.message }, 'ingest: bad frame, connection closed');
      this.takeParsed();
      this.socket.end(`ERR ${this.appended} ${this.dropped} ${err.message}\n`);
      this.socket.destroySoon();
      this.ended = true;
      return;
    }
    this.takeParsed();
    if (this.batcher.overloaded) {
      this.stats.pauses++;
      this.socket.pause();
    }
  }

  private takeParsed(): void {
    for (const m of this.parsed) {
      if ('reason' in m) {
        this.stats.dropped++;
        this.drop(m.reason);
        this.warn.warn('frame', { reason: m.reason }, 'ingest: malformed frame dropped');
        continue;
      }
      const bad = invalidTopicNameReason(m.topic);
      if (bad !== null) {
        this.stats.dropped++;
        this.drop(bad);
        this.warn.warn(
          'topic-name',
          { topic: m.topic, reason: bad },
          'ingest: message with a bad topic name dropped',
        );
        continue;
      }
      this.stats.received++;
      this.outstanding++;
      this.batcher.add(m.topic, m.key, m.value, this);
    }
    this.parsed.length = 0;
  }

  private onEnd(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.reader.pendingBytes > 0) {
      this.drop(`connection closed inside a frame (${this.reader.pendingBytes} bytes of it received)`);
      this.warn.warn(
        'truncated',
        { bytes: this.reader.pendingBytes },
        'ingest: connection closed inside a frame; that frame is dropped',
      );
    }
    this.maybeAnswer();
  }

  private maybeAnswer(): void {
    if (!this.ended || this.outstanding > 0 || this.socket.destroyed || !this.socket.writable) return;
    const line =
      this.dropped === 0
        ? `OK ${this.appended}\n`
        : `ERR ${this.appended} ${this.dropped} ${this.firstReason ?? ''}\n`;
    this.socket.end(line);
  }
}
