export {
  decodeRequestBody,
  decodeResponseBody,
  encodeRequestBody,
  encodeResponseBody,
  requireSchema,
} from './by-key.js';
export { UnsupportedVersionError } from './errors.js';
export {
  type DecodedRequest,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
} from './frames.js';
export { decodeMessage, encodeMessage, isFlexibleVersion, isSupportedVersion } from './message.js';
export { lookupSchema } from './registry.js';
export { isPrimitiveType, type MessageData, type MessageSide, UNKNOWN_TAGGED_FIELDS } from './types.js';
