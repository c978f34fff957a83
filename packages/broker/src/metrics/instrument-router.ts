import { peekRequestApi } from '@kilgore/protocol';
import type { FrameHandler } from '../server/connection.js';
import type { BrokerMetrics } from './broker-metrics.js';

/**
 * Wraps the request router: each frame counts as a request of its API and version, and its
 * latency (frame read to response ready) goes to the histogram. A frame too short for a header
 * is left to the router to refuse.
 */
export function instrumentRouter(metrics: BrokerMetrics, route: FrameHandler): FrameHandler {
  return (frame, connection) => {
    let api: ReturnType<typeof peekRequestApi>;
    try {
      api = peekRequestApi(frame);
    } catch {
      return route(frame, connection);
    }
    const histogram = metrics.request(api.apiKey, api.apiVersion);
    const start = process.hrtime.bigint();
    const done = () => histogram.observe(Number(process.hrtime.bigint() - start) / 1e9);
    const reply = route(frame, connection);
    if (reply instanceof Promise) {
      return reply.then(
        (r) => {
          done();
          return r;
        },
        (err: unknown) => {
          done();
          throw err;
        },
      );
    }
    done();
    return reply;
  };
}
