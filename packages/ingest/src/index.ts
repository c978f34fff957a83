/**
 * @kilgore/ingest: a unix stream socket for apps that cannot batch (PHP-FPM). Writers send
 * kahego-framed messages; they are batched per topic and appended through Broker.request.
 */
export type { Origin } from './batcher.js';
export { type IngestConfig, ingestConfigFrom } from './config.js';
export { encodeFrame, FrameReader, FramingError, type IngestMessage } from './frame-reader.js';
export { murmur2, partitionForKey } from './murmur2.js';
export { IngestServer, IngestSocketError } from './server.js';
export type { IngestStats } from './stats.js';
