import type { DecodedRecord } from '@kilgore/protocol';
import { decodeOffsetsRecord } from './offsets-decoder.js';

/**
 * Turns a record into the key and payload text that --print-data-log prints (Kafka's
 * MessageParser): undefined for a missing key or value, as Kafka prints nothing for them.
 */
export type RecordParser = (record: DecodedRecord) => { key?: string; payload?: string };

/** Kafka's default, StringDecoder: the bytes as UTF-8. */
export const stringParser: RecordParser = (r) => ({
  ...(r.key === null ? {} : { key: r.key.toString('utf8') }),
  ...(r.value === null ? {} : { payload: r.value.toString('utf8') }),
});

/** --offsets-decoder: `__consumer_offsets` keys and values as Kafka's JSON. */
export const offsetsParser: RecordParser = (r) => decodeOffsetsRecord(r);
