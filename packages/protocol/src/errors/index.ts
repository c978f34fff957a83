export { ErrorCode, type ErrorCodeName, type ErrorCodeValue, errorName, isKnownErrorCode } from './codes.js';
