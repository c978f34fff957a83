// The fetch bench's client, in a worker thread (plain JavaScript: worker threads on Node 20 do
// not inherit the TypeScript loader). It speaks Fetch v11 from a pre-encoded template: per
// request it patches the correlation id and the fetch offset, and per response it reads only
// what it needs (error code, record bytes, the last batch's offsets). `streams` sequential
// readers, spread over `connections` sockets (so several requests are in flight on each), each
// cycle over their own slice of the log for `seconds`.
import { connect } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

const { port, template: rawTemplate, offsetAt, seconds, connections, streams, logEnd } = workerData;
const template = Buffer.from(rawTemplate);
let bytes = 0;
let records = 0;
let fetches = 0;
let errors = 0;
const started = performance.now();
const end = started + seconds * 1000;

/** Walks the batches of a records field: record count and the last offset. */
function scan(buf, pos, len) {
  let n = 0;
  let last = -1;
  const stop = pos + len;
  while (pos + 61 <= stop) {
    const size = buf.readInt32BE(pos + 8) + 12;
    if (pos + size > stop) break;
    last = buf.readInt32BE(pos) * 4294967296 + buf.readUInt32BE(pos + 4) + buf.readInt32BE(pos + 23);
    n += buf.readInt32BE(pos + 57);
    pos += size;
  }
  return { n, last };
}

/** Offset of the records field in a Fetch v11 response with one topic and one partition. */
function recordsAt(frame) {
  // correlationId, throttle, errorCode, sessionId, topics count
  let p = 4 + 4 + 2 + 4 + 4;
  p += 2 + frame.readInt16BE(p); // topic name
  p += 4; // partitions count
  const errorCode = frame.readInt16BE(p + 4);
  p += 4 + 2 + 8 + 8 + 8; // index, error, hw, lso, log start
  const aborted = frame.readInt32BE(p);
  p += 4 + Math.max(0, aborted) * 16;
  p += 4; // preferred read replica
  return { errorCode, at: p };
}

await Promise.all(
  Array.from({ length: connections }, async (_, c) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    await new Promise((r) => socket.once('connect', r));
    const mine = [];
    for (let s = c; s < streams; s += connections) {
      const from = Math.floor((s * logEnd) / streams);
      const to = Math.floor(((s + 1) * logEnd) / streams);
      mine.push({ from, to, next: from });
    }
    const queue = []; // streams with a request in flight, in order
    let corr = 0;
    const send = (st) => {
      const f = Buffer.from(template);
      f.writeInt32BE(corr++, 8);
      f.writeInt32BE(Math.floor(st.next / 4294967296), offsetAt);
      f.writeUInt32BE(st.next % 4294967296, offsetAt + 4);
      queue.push(st);
      socket.write(f);
    };
    const chunks = [];
    let have = 0;
    await new Promise((resolve) => {
      socket.on('data', (chunk) => {
        chunks.push(chunk);
        have += chunk.length;
        for (;;) {
          if (have < 4) return;
          let head = chunks[0];
          if (head.length < 4) {
            head = Buffer.concat(chunks);
            chunks.length = 0;
            chunks.push(head);
          }
          const size = head.readInt32BE(0);
          if (have < 4 + size) return;
          const all = chunks.length === 1 ? head : Buffer.concat(chunks);
          const frame = all.subarray(4, 4 + size);
          chunks.length = 0;
          have = all.length - 4 - size;
          if (have > 0) chunks.push(all.subarray(4 + size));
          const st = queue.shift();
          fetches++;
          const { errorCode, at } = recordsAt(frame);
          const len = frame.readInt32BE(at);
          if (errorCode !== 0 || len <= 0) errors++;
          else {
            const { n, last } = scan(frame, at + 4, len);
            bytes += len;
            records += n;
            st.next = last + 1;
          }
          if (st.next >= st.to) st.next = st.from;
          if (performance.now() < end) send(st);
          else if (queue.length === 0) {
            socket.destroy();
            resolve();
          }
        }
      });
      for (const st of mine) send(st);
    });
  }),
);
parentPort.postMessage({ bytes, records, fetches, errors, elapsed: (performance.now() - started) / 1000 });
