import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type Broker, tlsOptions } from '@kilgore/broker';
import type { Logger } from 'pino';
import { BasicAuth } from './basic-auth.js';
import type { HttpConfig, HttpListener } from './config.js';
import { HttpError } from './errors.js';
import { Router } from './router.js';

export class HttpListenError extends Error {}

/** The OpenAPI 3 document of the routes, kept beside package.json (src/ and dist/ are one level down). */
export const OPENAPI_PATH = new URL('../openapi.json', import.meta.url);

/**
 * The HTTP interface: one node:http or node:https server per kilgore.http.listeners entry, all
 * answering through one Router. It sits above the broker and reaches it only through
 * Broker.request.
 */
export class HttpServer {
  private constructor(
    private readonly servers: Server[],
    /** The bound URLs, port 0 resolved, in the order configured. */
    readonly urls: readonly string[],
    private readonly closing: AbortController,
    private readonly log: Logger,
  ) {}

  static async start(broker: Broker, config: HttpConfig, log: Logger): Promise<HttpServer> {
    const httpLog = log.child({ component: 'http' });
    const auth = config.authentication === 'basic' ? new BasicAuth(broker) : undefined;
    // Aborted by stop(), or when the broker stops first: tails end rather than poll a closed broker.
    const closing = new AbortController();
    broker.context.shutdown.addEventListener('abort', () => closing.abort(), { once: true });
    const router = new Router(broker, config, readFileSync(OPENAPI_PATH), auth, closing.signal);
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      router.handle(req, res).catch((err: unknown) => answerError(res, err, httpLog));
    };
    const servers: Server[] = [];
    const urls: string[] = [];
    try {
      for (const l of config.listeners) {
        const server = l.protocol === 'https' ? httpsServer(config, onRequest) : createHttpServer(onRequest);
        servers.push(server);
        urls.push(await listen(server, l));
      }
    } catch (err) {
      for (const s of servers) s.close();
      throw err;
    }
    httpLog.info({ urls, authentication: config.authentication }, 'http interface listening');
    return new HttpServer(servers, urls, closing, httpLog);
  }

  /** Stops accepting and closes every connection, tails and long polls included. */
  async stop(): Promise<void> {
    this.closing.abort();
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
    this.log.info('http interface stopped');
  }
}

function httpsServer(
  config: HttpConfig,
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  // The Kafka TLS listeners' options: same identity, ssl.client.auth the same way.
  return createHttpsServer(tlsOptions(config.tls!), onRequest);
}

function listen(server: Server, l: HttpListener): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new HttpListenError(`kilgore.http.listeners: cannot listen on ${l.host}:${l.port}: ${err.code}`),
      ),
    );
    server.listen(l.port, l.host === '' ? undefined : l.host, () => {
      const a = server.address() as AddressInfo;
      const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      resolve(`${l.protocol}://${host}:${a.port}`);
    });
  });
}

/** Every refusal is a JSON body; an unexpected failure is a 500 and a log line, never a crash. */
function answerError(res: ServerResponse, err: unknown, log: Logger): void {
  const e =
    err instanceof HttpError
      ? err
      : new HttpError(500, 'internal', `the request failed: ${(err as Error).message}`);
  if (!(err instanceof HttpError)) log.error({ err }, 'http request failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = e.body();
  res.writeHead(e.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...e.headers,
  });
  res.end(body);
}
