export * from './broker-config.js';
export * from './chain.js';
export * from './definitions.js';
export * from './discovery.js';
export * from './listeners.js';
export * from './load.js';
export { parseProperties } from './properties.js';
export * from './security.js';
