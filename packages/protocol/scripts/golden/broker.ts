/**
 * A capturing stand-in for a one-node broker: just enough of Kafka for a real client to finish a
 * produce or a consume, and a record of every frame that crossed the socket in both directions.
 *
 * Requests are decoded and responses encoded with Kilgore's own codec, so a captured response is
 * also evidence that our encoder wrote bytes a real client accepted.
 */
import net from 'node:net';
import {
  decodeRequest,
  encodeResponse,
  FrameSplitter,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../src/index.js';
import { type BrokerState, handlerFor, newBrokerState } from './handlers.js';

export type Direction = 'request' | 'response';

export interface CapturedFrame {
  /** Which client scenario sent or received it ("kafkajs", "kcat", ...). */
  client: string;
  /** The scenario step ("produce-gzip", "consume", ...), to tell runs of one client apart. */
  step: string;
  /** Connection number within the broker's life, to keep pipelined frames apart. */
  connection: number;
  direction: Direction;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** Request header version (requests) or response header version (responses). */
  headerVersion: number;
  /** The frame payload, without the 4-byte size. */
  bytes: Buffer;
}

export class CaptureBroker {
  readonly frames: CapturedFrame[] = [];
  /** Requests the broker could not answer, so a driver failure can say why. */
  readonly problems: string[] = [];
  readonly state: BrokerState;
  client = 'unknown';
  step = 'unknown';
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private connections = 0;

  private constructor() {
    this.state = newBrokerState();
    this.server = net.createServer((socket) => this.accept(socket));
  }

  /** Starts listening on 127.0.0.1 on a free port. */
  static async start(): Promise<CaptureBroker> {
    const broker = new CaptureBroker();
    await new Promise<void>((resolve, reject) => {
      broker.server.once('error', reject);
      broker.server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = broker.server.address();
    if (address === null || typeof address === 'string') throw new Error('capture broker: no TCP address');
    broker.state.port = address.port;
    return broker;
  }

  get port(): number {
    return this.state.port;
  }

  /** Labels the frames captured from now on. */
  label(client: string, step: string): void {
    this.client = client;
    this.step = step;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const connection = ++this.connections;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const splitter = new FrameSplitter({ maxFrameSize: 100 << 20 });
    // Clients pipeline; answering strictly in arrival order keeps each connection's responses in
    // the order Kafka guarantees, even when a handler waits (an empty fetch).
    let queue: Promise<void> = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of splitter.push(chunk)) {
        queue = queue.then(() => this.answer(socket, connection, frame));
      }
    });
  }

  private async answer(socket: net.Socket, connection: number, frame: Buffer): Promise<void> {
    const { client, step } = this;
    const request = decodeRequest(frame);
    const { apiKey, apiVersion, correlationId } = request.header;
    this.frames.push({
      client,
      step,
      connection,
      direction: 'request',
      apiKey,
      apiVersion,
      correlationId,
      headerVersion: requestHeaderVersion(apiKey, apiVersion),
      bytes: Buffer.from(frame),
    });
    const handler = handlerFor(apiKey);
    if (handler === undefined) {
      // Kafka closes the connection on a request it cannot handle; so do we, loudly.
      this.problems.push(`${client}/${step}: no handler for api key ${apiKey} v${apiVersion}`);
      socket.destroy();
      return;
    }
    const body = await handler(this.state, apiVersion, request.body);
    // encodeResponse gives the whole frame, size prefix included.
    const frameOut = Buffer.concat(encodeResponse(apiKey, apiVersion, correlationId, body));
    this.frames.push({
      client,
      step,
      connection,
      direction: 'response',
      apiKey,
      apiVersion,
      correlationId,
      headerVersion: responseHeaderVersion(apiKey, apiVersion),
      bytes: frameOut.subarray(4),
    });
    if (!socket.destroyed) socket.write(frameOut);
  }
}
