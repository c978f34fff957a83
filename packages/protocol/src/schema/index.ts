export type * from './types.js';
export { inVersionRange, type ParsedVersionRange, parseVersionRange, versionBounds } from './versions.js';
