export { DecodeError, type DecodeErrorReason, EncodeError } from './decode-error.js';
export { type RawTaggedField, Reader } from './reader.js';
export { isUuid, uuidFromBytes, writeUuidBytes, ZERO_UUID } from './uuid.js';
export { sizeOfUnsignedVarint, sizeOfVarint, sizeOfVarlong, zigzag32 } from './varint.js';
export { Writer } from './writer.js';
