export * from './batch.js';
export * from './batch-header.js';
export * from './crc32c.js';
export * from './errors.js';
export * from './iterate.js';
export * from './legacy.js';
export * from './recompress.js';
export { type KafkaRecord, MIN_RECORD_SIZE, type RecordHeader } from './record.js';
export * from './scan.js';
