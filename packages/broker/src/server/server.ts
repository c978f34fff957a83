import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Listener } from '../config/listeners.js';
import { Connection, type FrameHandler } from './connection.js';

export interface ServerOptions {
  listeners: readonly Listener[];
  maxFrameBytes: number;
  maxQueued: number;
  idleMs: number;
  handle: FrameHandler;
  log: Logger;
  recycleReadBuffers?: boolean;
}

/** A bound listener: its configuration and the port the OS gave it (for port 0). */
export interface BoundListener extends Listener {
  boundPort: number;
}

/** The TCP side of a node: one net.Server per listener and the connections they accepted. */
export class KafkaServer {
  private readonly servers: Server[] = [];
  private readonly connections = new Set<Connection>();
  readonly bound: BoundListener[] = [];

  constructor(private readonly opts: ServerOptions) {}

  async listen(): Promise<BoundListener[]> {
    for (const l of this.opts.listeners) {
      const server = createServer({ noDelay: true }, (socket) => this.accept(socket, l.name));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: l.host === '' ? undefined : l.host, port: l.port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      server.on('error', (err) => this.opts.log.error({ err, listener: l.name }, 'listener error'));
      this.servers.push(server);
      const addr = server.address();
      const boundPort = typeof addr === 'object' && addr ? addr.port : l.port;
      this.bound.push({ ...l, boundPort });
      this.opts.log.info({ listener: l.name, host: l.host || '*', port: boundPort }, 'listening');
    }
    return this.bound;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private accept(socket: Socket, listenerName: string): void {
    const conn = new Connection(socket, {
      listenerName,
      maxFrameBytes: this.opts.maxFrameBytes,
      maxQueued: this.opts.maxQueued,
      idleMs: this.opts.idleMs,
      handle: this.opts.handle,
      log: this.opts.log,
      recycleReadBuffers: this.opts.recycleReadBuffers,
    });
    this.connections.add(conn);
    socket.on('close', () => this.connections.delete(conn));
  }

  /**
   * Graceful stop: stop accepting, stop reading requests, answer what is in flight (up to
   * `graceMs`), then close every socket.
   */
  async close(graceMs = 5000): Promise<void> {
    for (const s of this.servers) s.close();
    const drained = Promise.all([...this.connections].map((c) => c.drain()));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const c of this.connections) c.end();
    // Sockets that do not finish closing promptly (within 100 ms) are destroyed. Waiting for their
    // 'close' rather than sleeping the full 100 ms keeps stop() fast when clients answer the FIN,
    // which matters to test suites that start and stop a broker per test.
    const stragglers = [...this.connections];
    if (stragglers.length > 0) {
      const closed = Promise.all(
        stragglers.map((c) =>
          c.socket.destroyed ? undefined : new Promise((r) => c.socket.once('close', r)),
        ),
      );
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((r) => (grace = setTimeout(r, 100)))]);
      clearTimeout(grace);
      for (const c of stragglers) c.socket.destroy();
    }
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
  }
}
