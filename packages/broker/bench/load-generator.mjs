// The load generator's worker thread: plain JavaScript, because worker threads on Node 20 do not
// inherit the TypeScript loader. Keeps `inflight` pre-encoded requests outstanding on each of
// `connections` sockets for `seconds` and reports the request count and every latency.
import { connect } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

const { port, frame: rawFrame, seconds, connections, inflight } = workerData;
const frame = Buffer.from(rawFrame);
const latencies = [];
let requests = 0;
const end = performance.now() + seconds * 1000;
const started = performance.now();

await Promise.all(
  Array.from({ length: connections }, async () => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    await new Promise((r) => socket.once('connect', r));
    const sent = [];
    let pending = Buffer.alloc(0);
    await new Promise((resolve) => {
      const send = () => {
        sent.push(performance.now());
        socket.write(frame);
      };
      socket.on('data', (chunk) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        let off = 0;
        while (pending.length - off >= 4 && pending.length - off >= 4 + pending.readInt32BE(off)) {
          off += 4 + pending.readInt32BE(off);
          const now = performance.now();
          latencies.push(now - sent.shift());
          requests++;
          if (now < end) send();
          else if (sent.length === 0) {
            socket.destroy();
            resolve();
          }
        }
        pending = pending.subarray(off);
      });
      for (let i = 0; i < inflight; i++) send();
    });
  }),
);
parentPort.postMessage({ requests, latencies, elapsed: (performance.now() - started) / 1000 });
