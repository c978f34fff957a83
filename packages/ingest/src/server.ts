import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { dirname } from 'node:path';
import type { Broker } from '@kilgore/broker';
import type { Logger } from 'pino';
import { Batcher } from './batcher.js';
import type { IngestConfig } from './config.js';
import { IngestConnection } from './connection.js';
import { emptyStats, type IngestStats } from './stats.js';
import { ThrottledLog } from './throttled-log.js';

export class IngestSocketError extends Error {}

/**
 * The unix-socket ingest: listens on kilgore.ingest.socket, reads kahego frames from any number
 * of short-lived writers and appends them in batches through the broker (batcher.ts).
 */
export class IngestServer {
  private readonly connections = new Set<IngestConnection>();

  private constructor(
    private readonly server: Server,
    readonly config: IngestConfig,
    private readonly batcher: Batcher,
    /** Counters since start; live. */
    readonly stats: IngestStats,
    private readonly log: Logger,
  ) {}

  static async start(broker: Broker, config: IngestConfig, log: Logger): Promise<IngestServer> {
    const ingestLog = log.child({ component: 'ingest' });
    await clearStaleSocket(config.socketPath);
    const stats = emptyStats();
    const warn = new ThrottledLog(ingestLog);
    const batcher = new Batcher(broker, config, stats, warn);
    // allowHalfOpen: a writer that shuts down its side still gets its OK/ERR line (connection.ts).
    const server = createServer({ allowHalfOpen: true });
    const ingest = new IngestServer(server, config, batcher, stats, ingestLog);
    batcher.onRelieved = () => {
      for (const c of ingest.connections) c.socket.resume();
    };
    server.on('connection', (socket) => {
      stats.connections++;
      const c = new IngestConnection(socket, config.maxFrameBytes, batcher, stats, warn, (gone) =>
        ingest.connections.delete(gone),
      );
      ingest.connections.add(c);
      if (batcher.overloaded) socket.pause();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new IngestSocketError(`kilgore.ingest.socket: cannot listen on ${config.socketPath}: ${err.code}`),
        ),
      );
      server.listen(config.socketPath, () => resolve());
    });
    // Between listen and chmod the file has the umask's bits, which grant no more than the
    // umask allows; from here on the configured mode says who may connect.
    chmodSync(config.socketPath, config.socketMode);
    ingestLog.info(
      { socket: config.socketPath, mode: config.socketMode.toString(8), acks: config.acks },
      'ingest socket listening',
    );
    return ingest;
  }

  /** Bytes read and not yet appended. */
  get pendingBytes(): number {
    return this.batcher.pendingBytes;
  }

  /**
   * Stops accepting, closes the writers' connections (what was read from them is kept), appends
   * every open batch and removes the socket file. Call before Broker.stop().
   */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.socket.destroy();
    await closed;
    await this.batcher.drain();
    try {
      unlinkSync(this.config.socketPath);
    } catch {
      // already gone (server.close removes it on some platforms)
    }
    this.log.info({ ...this.stats }, 'ingest socket stopped');
  }
}

/**
 * A socket file left by a process that died is removed; a live one (someone answers) or a
 * file that is not a socket is an error rather than something to delete.
 */
async function clearStaleSocket(path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  if (!stat.isSocket()) {
    throw new IngestSocketError(`kilgore.ingest.socket: ${path} exists and is not a socket; not removing it`);
  }
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new IngestSocketError(`kilgore.ingest.socket: ${path} is in use by another process`);
  unlinkSync(path);
}
