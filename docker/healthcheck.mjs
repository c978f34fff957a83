// Container health check: sends a Kafka ApiVersions v0 request to the local listener and exits 0
// when it answers with error code 0. KILGORE_HEALTH_HOST / KILGORE_HEALTH_PORT override the
// default 127.0.0.1:9092. Plain Node, no dependencies, so it runs from the runtime image as is.
import { connect } from 'node:net';

const host = process.env.KILGORE_HEALTH_HOST ?? '127.0.0.1';
const port = Number(process.env.KILGORE_HEALTH_PORT ?? 9092);
const clientId = Buffer.from('healthcheck');
// size | api_key=18 | api_version=0 | correlation_id | client_id (int16 length + bytes)
const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
body.writeInt16BE(18, 0);
body.writeInt16BE(0, 2);
body.writeInt32BE(7, 4);
body.writeInt16BE(clientId.length, 8);
clientId.copy(body, 10);
const size = Buffer.alloc(4);
size.writeInt32BE(body.length);

const fail = (why) => {
  process.stderr.write(`unhealthy: ${why}\n`);
  process.exit(1);
};
setTimeout(() => fail('no answer within 2 s'), 2000).unref();
const socket = connect({ host, port }, () => socket.write(Buffer.concat([size, body])));
let got = Buffer.alloc(0);
socket.on('data', (chunk) => {
  got = Buffer.concat([got, chunk]);
  if (got.length < 10) return;
  // response: size | correlation_id | error_code ...
  if (got.readInt32BE(4) !== 7) fail('wrong correlation id');
  const error = got.readInt16BE(8);
  if (error !== 0) fail(`ApiVersions error code ${error}`);
  process.exit(0);
});
socket.on('error', (err) => fail(err.message));
