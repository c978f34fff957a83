export * from './batch-header.js';
export * from './crc32c.js';
