/**
 * One TCP connection to another node, carrying chain requests pipelined: many in flight, answers
 * matched by correlation id (a Kafka listener answers in request order). Any socket error fails
 * every pending request and the connection is done; the owner makes a new one (with back-off).
 */
import net from 'node:net';
import { FrameSplitter } from '@kilgore/protocol';
import { decodeChainResponse, encodeChainRequest } from './frames.js';

export class PeerClosedError extends Error {
  override readonly name = 'PeerClosedError';
}

/**
 * Opens a socket to a node, ready for chain requests (on a secured listener: TLS handshake and
 * SASL authentication done, nothing unread left on it), or rejects within `timeoutMs`.
 */
export type PeerDialer = (host: string, port: number, timeoutMs: number) => Promise<net.Socket>;

/** A plain TCP connection (PLAINTEXT listeners). */
export function dialPlain(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new PeerClosedError(`connect to ${host}:${port} timed out`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new PeerClosedError(`connect to ${host}:${port}: ${err.message}`));
    });
  });
}

interface Pending {
  apiKey: number;
  resolve: (body: unknown) => void;
  reject: (err: Error) => void;
}

export class PeerConnection {
  readonly #socket: net.Socket;
  readonly #splitter = new FrameSplitter({ maxFrameSize: 512 * 1024 * 1024 });
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed: Error | undefined;
  readonly #closeListeners = new Set<(err: Error) => void>();

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => this.#fail(new PeerClosedError(err.message)));
    socket.on('close', () => this.#fail(new PeerClosedError('connection closed')));
  }

  /**
   * Connects, or rejects after `timeoutMs`. `dial` opens the socket: plain TCP by default; the
   * broker passes one that does TLS and SASL when the cluster's listeners are secured.
   */
  static async connect(
    host: string,
    port: number,
    timeoutMs: number,
    dial: PeerDialer = dialPlain,
  ): Promise<PeerConnection> {
    try {
      return new PeerConnection(await dial(host, port, timeoutMs));
    } catch (err) {
      if (err instanceof PeerClosedError) throw err;
      throw new PeerClosedError(`connect to ${host}:${port}: ${(err as Error).message}`);
    }
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  onClose(listener: (err: Error) => void): void {
    if (this.#closed) listener(this.#closed);
    else this.#closeListeners.add(listener);
  }

  /** Sends a request; resolves with the decoded response body. */
  request<T>(apiKey: number, body: object): Promise<T> {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = this.#nextId;
    this.#nextId = (this.#nextId % 0x7ffffffe) + 1;
    const chunks = encodeChainRequest(apiKey, id, body);
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { apiKey, resolve: resolve as (b: unknown) => void, reject });
      this.#socket.cork();
      for (const c of chunks) this.#socket.write(c);
      this.#socket.uncork();
    });
  }

  close(): void {
    this.#fail(new PeerClosedError('closed by this node'));
  }

  #onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.#splitter.push(chunk);
    } catch (err) {
      this.#fail(new PeerClosedError(`bad frame: ${(err as Error).message}`));
      return;
    }
    for (const frame of frames) {
      if (frame.length < 4) {
        this.#fail(new PeerClosedError('short response'));
        return;
      }
      const id = frame.readInt32BE(0);
      const p = this.#pending.get(id);
      if (p === undefined) {
        this.#fail(new PeerClosedError(`response to unknown correlation id ${id}`));
        return;
      }
      this.#pending.delete(id);
      try {
        // The records in a response are views of `frame`; copy them if kept past this call.
        p.resolve(decodeChainResponse(p.apiKey, frame).body);
      } catch (err) {
        p.reject(err as Error);
        this.#fail(new PeerClosedError(`malformed response: ${(err as Error).message}`));
        return;
      }
    }
  }

  #fail(err: Error): void {
    if (this.#closed) return;
    this.#closed = err;
    this.#socket.destroy();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(err);
    for (const l of this.#closeListeners) l(err);
    this.#closeListeners.clear();
  }
}
