// The load generator: plain JavaScript, because worker threads on Node 20 do not inherit the
// TypeScript loader. It runs as a worker thread (workerData in, one message out) or as a child
// process (GENERATOR=process: one IPC message in, one out). Two modes, for `seconds` on each of `connections` sockets:
// - closed loop (rate 0): keeps `inflight` pre-encoded requests outstanding per socket;
// - paced (rate > 0 requests/s in total): sends on a schedule, whatever the replies do, and
//   measures each latency from the request's scheduled time (no coordinated omission: a stalled
//   broker shows up as latency, not as fewer samples). The first `warmup` seconds run the same
//   schedule but are not counted: a fresh server's first moments (connections, JIT of its new
//   objects) are start-up, not the steady state the percentiles describe.
// Any response is counted as one reply (the frames are pipelined, replies come in order).
import { connect } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

if (parentPort) parentPort.postMessage(await generate(workerData));
else process.once('message', async (opts) => process.send(await generate(opts), () => process.exit(0)));

async function generate({ port, frame: rawFrame, seconds, connections, inflight, rate = 0, warmup = 0 }) {
  const frame = Buffer.from(rawFrame);
  const latencies = [];
  // Paced mode: how late each timer tick sent its oldest due request (the generator's own delay).
  const sendLateness = [];
  let requests = 0;
  const started = performance.now();
  const measureFrom = started + warmup * 1000;
  const end = measureFrom + seconds * 1000;

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
            const due = sent[head++];
            if (due >= measureFrom) {
              latencies.push(now - due);
              requests++;
            }
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
          if (due <= now && due >= measureFrom) sendLateness.push(now - due);
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
  return { requests, latencies, sendLateness, elapsed: (performance.now() - measureFrom) / 1000 };
}
