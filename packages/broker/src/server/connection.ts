import type { Socket } from 'node:net';
import { FrameError, FrameSplitter } from '@kilgore/protocol';
import { releaseReadBuffer } from '@kilgore/storage';
import type { Logger } from 'pino';

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
}

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

  constructor(
    readonly socket: Socket,
    private readonly opts: ConnectionOptions,
  ) {
    this.id = `${socket.remoteAddress}:${socket.remotePort}`;
    this.listenerName = opts.listenerName;
    this.splitter = new FrameSplitter({ maxFrameSize: opts.maxFrameBytes });
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

  private onData(chunk: Buffer): void {
    if (this.closing) return;
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
    if (corked) this.socket.uncork();
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
