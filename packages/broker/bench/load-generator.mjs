// The load generator's worker thread: plain JavaScript, because worker threads on Node 20 do not
// inherit the TypeScript loader. Two modes, for `seconds` on each of `connections` sockets:
// - closed loop (rate 0): keeps `inflight` pre-encoded requests outstanding per socket;
// - paced (rate > 0 requests/s in total): sends on a schedule, whatever the replies do, and
//   measures each latency from the request's scheduled time (no coordinated omission: a stalled
//   broker shows up as latency, not as fewer samples).
// Any response is counted as one reply (the frames are pipelined, replies come in order).
import { connect } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

const { port, frame: rawFrame, seconds, connections, inflight, rate = 0 } = workerData;
const frame = Buffer.from(rawFrame);
const latencies = [];
let requests = 0;
const started = performance.now();
const end = started + seconds * 1000;

await Promise.all(
  Array.from({ length: connections }, async () => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    await new Promise((r) => socket.once('connect', r));
    const sent = [];
    let head = 0;
    let pending = Buffer.alloc(0);
    let timer;
    await new Promise((resolve) => {
      const finish = () => {
        if (timer) clearInterval(timer);
        socket.destroy();
        resolve();
      };
      socket.on('data', (chunk) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        let off = 0;
        while (pending.length - off >= 4 && pending.length - off >= 4 + pending.readInt32BE(off)) {
          off += 4 + pending.readInt32BE(off);
          const now = performance.now();
          latencies.push(now - sent[head++]);
          requests++;
          if (rate === 0 && now < end) {
            sent.push(performance.now());
            socket.write(frame);
          } else if (head === sent.length && (rate === 0 || now >= end)) finish();
        }
        pending = pending.subarray(off);
      });
      if (rate === 0) {
        for (let i = 0; i < inflight; i++) {
          sent.push(performance.now());
          socket.write(frame);
        }
        return;
      }
      // Paced: every tick, send what the schedule says is due, stamped with its due time.
      const interval = (1000 * connections) / rate;
      let due = performance.now();
      timer = setInterval(() => {
        const now = performance.now();
        if (now >= end) {
          clearInterval(timer);
          timer = undefined;
          if (head === sent.length) finish();
          return;
        }
        socket.cork();
        while (due <= now) {
          sent.push(due);
          socket.write(frame);
          due += interval;
        }
        socket.uncork();
      }, 1);
    });
  }),
);
parentPort.postMessage({ requests, latencies, elapsed: (performance.now() - started) / 1000 });
