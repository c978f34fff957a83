/**
 * @kilgore/http: an HTTP interface to the broker (README: HTTP interface). Put and get records,
 * long poll, multiget, archive (DeleteRecords) and a live tail, all through Broker.request.
 */
export { type HttpConfig, type HttpListener, httpConfigFrom } from './config.js';
export { HttpError } from './errors.js';
export { HttpListenError, HttpServer, OPENAPI_PATH } from './server.js';
