import type { IncomingMessage, ServerResponse } from 'node:http';
import { TLSSocket } from 'node:tls';
import { ANONYMOUS, type Broker, invalidTopicNameReason, tlsPrincipal } from '@kilgore/broker';
import type { BasicAuth } from './basic-auth.js';
import { readBody } from './body.js';
import type { HttpConfig } from './config.js';
import { HttpError } from './errors.js';
import { LogClient } from './log-client.js';
import { archive } from './routes/archive.js';
import type { RouteContext } from './routes/context.js';
import { get } from './routes/get.js';
import { put } from './routes/put.js';
import { tail } from './routes/tail.js';

type Route = (ctx: RouteContext) => Promise<void>;

/** The routes with a topic: `/<verb>/<topic>` and the one method each takes. */
const TOPIC_ROUTES: Record<string, { method: string; route: Route }> = {
  put: { method: 'POST', route: put },
  get: { method: 'GET', route: get },
  archive: { method: 'POST', route: archive },
  tail: { method: 'GET', route: tail },
};

/**
 * Picks the route of a request, authenticates it (kilgore.http.authentication) and runs it
 * with a LogClient acting as the request's principal. /openapi.json needs no credentials: it
 * describes the routes and holds no data.
 */
export class Router {
  constructor(
    private readonly broker: Broker,
    private readonly config: HttpConfig,
    private readonly openapi: Buffer,
    private readonly auth: BasicAuth | undefined,
    private readonly stopping: AbortSignal,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://kilgore');
    } catch {
      throw new HttpError(400, 'bad_url', `'${req.url}' is not a request path`);
    }
    if (url.pathname === '/openapi.json') {
      allow(req, 'GET');
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': this.openapi.length });
      res.end(this.openapi);
      return;
    }
    const m = /^\/([a-z]+)\/([^/]+)\/?$/.exec(url.pathname);
    const entry = m === null ? undefined : TOPIC_ROUTES[m[1]!];
    if (m === null || entry === undefined) {
      throw new HttpError(404, 'not_found', `no route ${url.pathname}; see GET /openapi.json`);
    }
    allow(req, entry.method);
    const topic = topicOf(m[2]!);
    const principal = await this.principalOf(req);
    const log = new LogClient(
      this.broker,
      { principal, clientHost: req.socket.remoteAddress ?? '', clientId: 'kilgore-http' },
      this.config.acks,
    );
    await entry.route({
      topic,
      url,
      req,
      res,
      log,
      config: this.config,
      stopping: this.stopping,
      body: () => readBody(req, this.config.maxRequestBytes),
    });
  }

  /**
   * Basic credentials when kilgore.http.authentication=basic. Otherwise, on https with
   * ssl.client.auth on, a verified client certificate names the principal as on a Kafka SSL
   * listener (`User:<subject DN>`); without one, kilgore.http.principal.
   */
  private async principalOf(req: IncomingMessage): Promise<string> {
    if (this.auth !== undefined) return await this.auth.principalOf(req.headers.authorization);
    const tls = this.config.tls;
    if (req.socket instanceof TLSSocket && tls !== undefined && tls.clientAuth !== 'none') {
      const fromCert = tlsPrincipal(req.socket, tls.clientAuth);
      if (fromCert === undefined) {
        throw new HttpError(
          401,
          'unauthorized',
          'the client certificate is not signed by a CA of ssl.truststore',
        );
      }
      if (fromCert !== ANONYMOUS) return fromCert;
    }
    return this.config.principal;
  }
}

function allow(req: IncomingMessage, method: string): void {
  if (req.method === method || (method === 'GET' && req.method === 'HEAD')) return;
  throw new HttpError(
    405,
    'method_not_allowed',
    `${req.method} is not allowed here; use ${method}`,
    {},
    { allow: method },
  );
}

function topicOf(segment: string): string {
  let topic: string;
  try {
    topic = decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'bad_topic', `'${segment}' is not a valid percent-encoded topic name`);
  }
  const bad = invalidTopicNameReason(topic);
  if (bad !== null) throw new HttpError(400, 'bad_topic', bad);
  return topic;
}
