import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { BrokerMetrics } from './broker-metrics.js';

/**
 * Serves GET /metrics (Prometheus text format) on `kilgore.metrics.listener`, an
 * http://host:port URL. Anything else is 404; a scrape that fails is a 500 and a warning,
 * never a crash.
 */
export async function startMetricsServer(url: string, metrics: BrokerMetrics, log: Logger): Promise<Server> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:')
    throw new Error(`kilgore.metrics.listener ${url}: expected http://host:port`);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    metrics.scrape().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (err: unknown) => {
        log.warn({ err }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('scrape failed\n');
      },
    );
  });
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(parsed.port || 80), host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  log.info(
    { metrics: typeof address === 'object' && address ? `http://${host}:${address.port}/metrics` : url },
    'metrics listening',
  );
  return server;
}
