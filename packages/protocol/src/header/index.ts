export {
  decodeRequestHeader,
  encodeRequestHeader,
  peekRequestApi,
  type RequestApi,
  type RequestHeader,
  type RequestHeaderVersion,
} from './request-header.js';
export {
  decodeResponseHeader,
  encodeResponseHeader,
  type ResponseHeader,
  type ResponseHeaderVersion,
} from './response-header.js';
export { requestHeaderVersion, responseHeaderVersion } from './versions.js';
