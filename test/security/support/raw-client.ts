import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { decodeResponse, encodeRequest, FrameSplitter } from '@kilgore/protocol';

/**
 * A bare Kafka connection for tests that must send what no client library would: requests out
 * of order, raw SASL frames, half frames. Frames in, frames out; `closed` resolves when the
 * broker hangs up.
 */
export class RawClient {
  private readonly frames: Buffer[] = [];
  private waiter: (() => void) | undefined;
  private correlationId = 1;
  readonly closed: Promise<void>;
  private isClosed = false;

  private constructor(readonly socket: Socket) {
    const splitter = new FrameSplitter({ maxFrameSize: 64 * 1024 * 1024 });
    socket.on('data', (chunk: Buffer) => {
      for (const f of splitter.push(chunk)) this.frames.push(f);
      this.waiter?.();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        this.waiter?.();
        resolve();
      }),
    );
  }

  static async open(address: string, tls?: { ca: string; cert?: string; key?: string }): Promise<RawClient> {
    const [host, port] = [
      address.slice(0, address.lastIndexOf(':')),
      Number(address.slice(address.lastIndexOf(':') + 1)),
    ];
    const socket =
      tls === undefined
        ? connect({ host, port })
        : tlsConnect({ host, port, ca: tls.ca, cert: tls.cert, key: tls.key, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      socket.once(tls === undefined ? 'connect' : 'secureConnect', () => resolve());
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('closed before connecting')));
    });
    return new RawClient(socket);
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** Writes raw bytes. */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends a bare size-prefixed frame (a SASL v0 token). */
  sendFrame(payload: Buffer): void {
    const size = Buffer.alloc(4);
    size.writeInt32BE(payload.length);
    this.socket.write(Buffer.concat([size, payload]));
  }

  /** Sends a Kafka request; returns its correlation id. */
  send(apiKey: number, apiVersion: number, body: object): number {
    const correlationId = this.correlationId++;
    for (const b of encodeRequest({
      header: { apiKey, apiVersion, correlationId, clientId: 'raw-test' },
      body,
    })) {
      this.socket.write(b);
    }
    return correlationId;
  }

  /** The next frame from the broker, or undefined if it closed the connection first. */
  async nextFrame(timeoutMs = 5000): Promise<Buffer | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0 && !this.isClosed) {
      if (Date.now() > deadline) throw new Error(`no frame from the broker in ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    return this.frames.shift();
  }

  /** Sends a request and decodes its response body (throws if the broker closed instead). */
  async request<T>(apiKey: number, apiVersion: number, body: object): Promise<T> {
    this.send(apiKey, apiVersion, body);
    const frame = await this.nextFrame();
    if (frame === undefined)
      throw new Error(`broker closed the connection instead of answering api ${apiKey}`);
    return decodeResponse<T & object>(apiKey, apiVersion, frame).body as T;
  }

  close(): void {
    this.socket.destroy();
  }
}
