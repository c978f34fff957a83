/**
 * @kilgore/protocol: the Kafka wire format and nothing else. Pure functions over Buffers:
 * primitives, request/response headers, message schemas with one generic codec, record batches
 * and compression. No sockets, no files.
 */
export * from './codec/index.js';
export * from './compression/index.js';
export * from './errors/index.js';
export * from './frame/index.js';
export * from './header/index.js';
export * from './messages/index.js';
export * from './primitives/index.js';
export * from './records/index.js';
export * from './schema/index.js';
