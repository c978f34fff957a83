import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { Listener } from '../config/listeners.js';
import type { ListenerSecurity } from '../config/security.js';
import { ANONYMOUS } from '../security/principal.js';
import { type SaslAuthenticator, SaslSession } from '../security/sasl-session.js';
import { Connection, type ConnectionOptions, type FrameHandler } from './connection.js';
import { ConnectionLimits } from './connection-limits.js';
import { saslGate } from './sasl-gate.js';
import { tlsOptions, tlsPrincipal } from './tls.js';

export interface ServerOptions {
  listeners: readonly Listener[];
  maxFrameBytes: number;
  maxQueued: number;
  idleMs: number;
  handle: FrameHandler;
  log: Logger;
  recycleReadBuffers?: boolean;
  /** Per listener name: its protocol, TLS and SASL. A listener not listed is PLAINTEXT. */
  security?: ReadonlyMap<string, ListenerSecurity>;
  /** Per SASL listener name: the mechanisms and their users. */
  authenticators?: ReadonlyMap<string, SaslAuthenticator>;
  /** max.connections.per.ip / max.connections (unlimited when unset). */
  maxConnectionsPerIp?: number;
  maxConnections?: number;
  /** kilgore.request.read.timeout.ms: slow frames and slow TLS handshakes close the connection. */
  requestReadTimeoutMs?: number;
  /** sasl.server.max.receive.size: the frame cap before SASL authentication. */
  saslMaxReceiveSize?: number;
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
  private readonly limits: ConnectionLimits;
  private readonly saslHandle: FrameHandler;
  /** TLS handshakes under way: their slow-loris timers by client address:port. */
  private readonly handshakes = new Map<string, NodeJS.Timeout>();

  constructor(private readonly opts: ServerOptions) {
    this.limits = new ConnectionLimits(opts.maxConnectionsPerIp, opts.maxConnections);
    this.saslHandle = saslGate(opts.handle, opts.log);
  }

  async listen(): Promise<BoundListener[]> {
    for (const l of this.opts.listeners) {
      const security = this.opts.security?.get(l.name);
      const tls = security?.tls;
      let server: Server;
      if (tls === undefined) {
        server = createServer({ noDelay: true }, (socket) => {
          if (this.admit(socket, l.name)) this.accept(socket, l.name, ANONYMOUS);
        });
      } else {
        server = createTlsServer(
          { ...tlsOptions(tls), noDelay: true, handshakeTimeout: this.opts.requestReadTimeoutMs ?? 120_000 },
          (socket: TLSSocket) => {
            this.handshakeDone(socket);
            const principal = tlsPrincipal(socket, tls.clientAuth);
            if (principal === undefined) {
              this.opts.log.info(
                { listener: l.name, remote: socket.remoteAddress, reason: socket.authorizationError },
                'TLS client certificate not trusted; closing connection',
              );
              socket.destroy();
              return;
            }
            this.accept(socket, l.name, principal);
          },
        );
        server.on('tlsClientError', (err, socket) =>
          this.opts.log.debug(
            { listener: l.name, remote: socket.remoteAddress, err: err.message },
            'TLS handshake failed',
          ),
        );
        // The raw TCP connection, before any TLS work is spent on it.
        server.on('connection', (socket: Socket) => {
          if (this.admit(socket, l.name)) this.startHandshakeTimer(socket, l.name);
        });
      }
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

  /**
   * Slow-loris during the TLS handshake: node's handshakeTimeout only runs once the client has
   * sent something, so a silent client is timed from its TCP connection (keyed by its address
   * and port, which the TLS socket shares with the raw one).
   */
  private startHandshakeTimer(socket: Socket, listenerName: string): void {
    const timeout = this.opts.requestReadTimeoutMs;
    if (timeout === undefined) return;
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    const timer = setTimeout(() => {
      this.handshakes.delete(key);
      this.opts.log.info(
        { listener: listenerName, remote: key, timeoutMs: timeout },
        'TLS handshake incomplete after kilgore.request.read.timeout.ms; closing connection',
      );
      socket.destroy();
    }, timeout);
    timer.unref();
    this.handshakes.set(key, timer);
    socket.once('close', () => {
      clearTimeout(timer);
      if (this.handshakes.get(key) === timer) this.handshakes.delete(key);
    });
  }

  private handshakeDone(socket: TLSSocket): void {
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    clearTimeout(this.handshakes.get(key));
    this.handshakes.delete(key);
  }

  /** max.connections.per.ip / max.connections: false (and the socket destroyed) when over a limit. */
  private admit(socket: Socket, listenerName: string): boolean {
    const refused = this.limits.admit(socket);
    if (refused === undefined) return true;
    this.opts.log.warn({ listener: listenerName, remote: socket.remoteAddress }, refused);
    socket.destroy();
    return false;
  }

  private accept(socket: Socket, listenerName: string, principal: string): void {
    if (socket.destroyed) return;
    const authenticator = this.opts.authenticators?.get(listenerName);
    const options: ConnectionOptions = {
      listenerName,
      maxFrameBytes: this.opts.maxFrameBytes,
      maxQueued: this.opts.maxQueued,
      idleMs: this.opts.idleMs,
      handle: authenticator === undefined ? this.opts.handle : this.saslHandle,
      log: this.opts.log,
      recycleReadBuffers: this.opts.recycleReadBuffers,
      readTimeoutMs: this.opts.requestReadTimeoutMs,
      principal,
    };
    if (authenticator !== undefined) {
      options.sasl = {
        session: new SaslSession(authenticator),
        maxReceiveBytes: this.opts.saslMaxReceiveSize ?? 524288,
      };
    }
    const conn = new Connection(socket, options);
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
