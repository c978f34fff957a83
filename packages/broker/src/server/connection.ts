import type { Socket } from 'node:net';
import { FrameError, FrameSplitter } from '@kilgore/protocol';
import { releaseReadBuffer } from '@kilgore/storage';
import type { Logger } from 'pino';
import { ANONYMOUS } from '../security/principal.js';
import type { SaslSession } from '../security/sasl-session.js';
import { FrameTracker } from './frame-tracker.js';

/**
 * What a request turns into: the response frame, size prefix included, as several buffers (what
 * the protocol's encodeResponse returns) so big record slices are never concatenated; or `null`
 * for a request that gets no response (Produce with acks=0). Once written, large read buffers
 * under a reply go back to storage's read pool: nothing may keep a reply's record bytes after
 * the reply has been written.
 */
export type Reply = readonly Buffer[] | null;

/** Thrown (or rejected) by a request handler to say "close this connection", as Kafka does. */
export class CloseConnection extends Error {
  override name = 'CloseConnection';
}

/** Called once per request frame (the bytes after the size prefix). */
export type FrameHandler = (frame: Buffer, connection: Connection) => Reply | Promise<Reply>;

export interface ConnectionOptions {
  /** The listener that accepted the socket (Metadata answers with that listener's address). */
  listenerName: string;
  /** socket.request.max.bytes: a frame announcing more than this closes the connection. */
  maxFrameBytes: number;
  /** queued.max.requests: stop reading the socket while this many responses are pending. */
  maxQueued: number;
  /** connections.max.idle.ms */
  idleMs: number;
  handle: FrameHandler;
  log: Logger;
  /**
   * Give fetched records' read buffers back to storage once written. Off when code outside
   * the broker (a request interceptor) may still hold a response after it was sent.
   */
  recycleReadBuffers?: boolean;
  /**
   * kilgore.request.read.timeout.ms: a frame whose bytes do not all arrive within this time of
   * its first byte closes the connection (slow-loris). Off when unset.
   */
  readTimeoutMs?: number;
  /** SASL listeners: the client's authentication, and the frame cap until it succeeds. */
  sasl?: { session: SaslSession; maxReceiveBytes: number };
  /** Who the client is before any SASL (TLS client certificate), `User:ANONYMOUS` by default. */
  principal?: string;
}

const REPLY_TICK = process.env.KILGORE_REPLY_TICK !== '0';

interface Slot {
  reply: Reply | undefined;
  /** The request failed: close the connection once the replies before it are written. */
  close: boolean;
}

/**
 * One client socket. Requests are dispatched as soon as their frame is complete (pipelined), and
 * their replies are written strictly in request order, whatever order async handlers finish in.
 */
export class Connection {
  readonly id: string;
  readonly listenerName: string;
  private readonly pending: Slot[] = [];
  private readonly splitter: FrameSplitter;
  /** Whole frames received but not yet dispatched (back-pressure holds them here). */
  private readonly waiting: Buffer[] = [];
  private closing = false;
  private draining: (() => void) | null = null;
  private pumping = false;
  /** Close once every pending reply is written (a refused authentication). */
  private endWhenFlushed = false;
  /** The socket is corked until the end of this tick (replies settled together, one writev). */
  private corkedUntilTick = false;
  private readonly uncorkAtTickEnd = (): void => {
    this.corkedUntilTick = false;
    this.socket.uncork();
  };
  private readonly tracker: FrameTracker | undefined;
  private readTimer: NodeJS.Timeout | undefined;
  /** Kafka's principal of the client: read by authorization through RequestInfo.principal. */
  principal: string;
  /** Set on SASL listeners until the client has authenticated. */
  readonly sasl: SaslSession | undefined;

  constructor(
    readonly socket: Socket,
    private readonly opts: ConnectionOptions,
  ) {
    this.id = `${socket.remoteAddress}:${socket.remotePort}`;
    this.listenerName = opts.listenerName;
    this.splitter = new FrameSplitter({ maxFrameSize: opts.maxFrameBytes });
    this.principal = opts.principal ?? ANONYMOUS;
    this.sasl = opts.sasl?.session;
    if (opts.readTimeoutMs !== undefined || opts.sasl !== undefined) this.tracker = new FrameTracker();
    socket.setNoDelay(true);
    socket.setTimeout(opts.idleMs);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.updateFlow());
    socket.on('timeout', () => {
      // Only reap a connection that is truly idle: nothing in flight (a long-polling fetch is not idle).
      if (this.pending.length === 0) {
        opts.log.debug({ connection: this.id }, 'closing idle connection');
        socket.destroy();
      }
    });
    socket.on('error', (err) => opts.log.debug({ connection: this.id, err: err.message }, 'socket error'));
    socket.on('close', () => {
      clearTimeout(this.readTimer);
      this.closing = true;
      this.pending.length = 0;
      this.draining?.();
    });
  }

  /** Stops reading new requests; resolves once every pending reply is written (or the socket is gone). */
  drain(): Promise<void> {
    this.closing = true;
    this.socket.pause();
    if (this.pending.length === 0 || this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.draining = resolve;
    });
  }

  /** Closes the socket after flushing what was written. */
  end(): void {
    this.closing = true;
    this.socket.end();
  }

  /** Whether requests other than the SASL exchange may be served (always, off SASL listeners). */
  get authenticated(): boolean {
    return this.sasl === undefined || this.sasl.state === 'authenticated';
  }

  /** Stops reading and closes the connection once the replies already queued are written. */
  closeAfterReplies(): void {
    this.endWhenFlushed = true;
    this.closing = true;
    this.waiting.length = 0;
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    if (this.tracker !== undefined && !this.track(chunk)) return;
    try {
      for (const frame of this.splitter.push(chunk)) this.waiting.push(frame);
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      this.opts.log.warn(
        { connection: this.id, size: err.size, max: this.opts.maxFrameBytes },
        'request size out of range (socket.request.max.bytes); closing connection',
      );
      this.closing = true;
      this.socket.destroy();
      return;
    }
    this.pump();
  }

  /**
   * Dispatches received frames while fewer than `maxQueued` replies are pending; the rest wait
   * (and the socket stays paused) until replies go out.
   */
  /**
   * Frame limits the splitter does not know: the small cap before SASL authentication, and the
   * slow-loris timer on a frame that stays incomplete. False when the connection was closed.
   */
  private track(chunk: Buffer): boolean {
    const preAuth = this.opts.sasl !== undefined && !this.authenticated;
    const max = preAuth ? this.opts.sasl!.maxReceiveBytes : this.opts.maxFrameBytes;
    const seen = this.tracker!.push(chunk, max);
    if (seen.tooLarge !== undefined) {
      this.opts.log.warn(
        { connection: this.id, size: seen.tooLarge, max, preAuthentication: preAuth },
        preAuth
          ? 'frame before authentication exceeds sasl.server.max.receive.size; closing connection'
          : 'request size out of range (socket.request.max.bytes); closing connection',
      );
      this.closing = true;
      this.socket.destroy();
      return false;
    }
    const timeout = this.opts.readTimeoutMs;
    if (timeout === undefined) return true;
    if (!seen.midFrame) {
      clearTimeout(this.readTimer);
      this.readTimer = undefined;
    } else if (seen.startedHere || this.readTimer === undefined) {
      clearTimeout(this.readTimer);
      this.readTimer = setTimeout(() => {
        this.opts.log.info(
          { connection: this.id, timeoutMs: timeout },
          'request frame incomplete after kilgore.request.read.timeout.ms; closing connection',
        );
        this.closing = true;
        this.socket.destroy();
      }, timeout);
      this.readTimer.unref();
    }
    return true;
  }

  private pump(): void {
    if (this.pumping) return; // a synchronous handler's flush() re-entered; the outer loop goes on
    this.pumping = true;
    try {
      while (!this.closing && this.waiting.length > 0 && this.pending.length < this.opts.maxQueued) {
        this.dispatch(this.waiting.shift()!);
      }
    } finally {
      this.pumping = false;
    }
    this.updateFlow();
  }

  private dispatch(frame: Buffer): void {
    const slot: Slot = { reply: undefined, close: false };
    this.pending.push(slot);
    const fail = (err: unknown): void => {
      slot.close = true;
      if (!(err instanceof CloseConnection)) {
        this.opts.log.error({ connection: this.id, err }, 'request handler failed; closing connection');
      } else {
        this.opts.log.info({ connection: this.id, reason: err.message }, 'closing connection');
      }
      this.flush();
    };
    try {
      const result = this.opts.handle(frame, this);
      if (result instanceof Promise) {
        result.then((reply) => {
          slot.reply = reply;
          this.flush();
        }, fail);
      } else {
        slot.reply = result;
        this.flush();
      }
    } catch (err) {
      fail(err);
    }
  }

  /** Writes every reply at the head of the queue that is ready, in request order. */
  private flush(): void {
    if (this.socket.destroyed) return;
    let corked = false;
    while (this.pending.length > 0) {
      const head = this.pending[0]!;
      if (head.close) {
        this.pending.length = 0;
        this.closing = true;
        if (corked) this.socket.uncork();
        this.socket.end();
        return;
      }
      if (head.reply === undefined) break;
      this.pending.shift();
      if (head.reply === null) continue;
      if (!corked) {
        // One writev for all ready replies: their buffers go out without being concatenated.
        this.socket.cork();
        corked = true;
      }
      const reply = head.reply;
      const last = reply.length - 1;
      for (let i = 0; i < last; i++) this.socket.write(reply[i]!);
      // Called once the bytes are in the kernel (in order, after the buffers before it).
      if (last < 0) continue;
      if (this.opts.recycleReadBuffers === false) this.socket.write(reply[last]!);
      else this.socket.write(reply[last]!, (err) => (err ? undefined : recycle(reply)));
    }
    if (corked) {
      // More requests of this connection are in flight: their replies usually settle in this
      // same tick (pipelined produces share one log write), so hold the socket corked until the
      // tick ends and send them all with one writev. A lone request's reply goes out at once.
      if (REPLY_TICK && this.pending.length > 0 && !this.corkedUntilTick) {
        this.corkedUntilTick = true;
        process.nextTick(this.uncorkAtTickEnd);
      } else {
        this.socket.uncork();
      }
    }
    if (this.endWhenFlushed && this.pending.length === 0) {
      this.socket.end();
      return;
    }
    if (this.waiting.length > 0) this.pump();
    else this.updateFlow();
    if (this.pending.length === 0 && this.draining) {
      const resolve = this.draining;
      this.draining = null;
      resolve();
    }
  }

  /** Back-pressure: read only while few replies are pending and the socket buffer is not full. */
  private updateFlow(): void {
    if (this.closing || this.socket.destroyed) return;
    const congested = this.pending.length >= this.opts.maxQueued || this.socket.writableNeedDrain;
    if (congested && !this.socket.isPaused()) this.socket.pause();
    else if (!congested && this.socket.isPaused()) this.socket.resume();
  }
}

/** Gives the large read buffers under a written reply back to storage (fetched records). */
function recycle(reply: readonly Buffer[]): void {
  for (const b of reply) if (b.buffer.byteLength > 65536) releaseReadBuffer(b);
}
