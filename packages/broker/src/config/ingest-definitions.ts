/**
 * Settings of the unix-socket ingest (packages/ingest, wired in by `kilgore serve`). Defined here
 * so that flags, KILGORE_* variables and server.properties know them; the ingest package reads
 * them from BrokerConfig.settings. Off unless kilgore.ingest.socket is set.
 */
import type { ConfigDef } from './definitions.js';

export const INGEST_CONFIG_DEFS: readonly ConfigDef[] = [
  {
    name: 'kilgore.ingest.socket',
    type: 'string',
    default: null,
    doc: 'Path of a unix stream socket accepting kahego-framed messages (README: Unix-socket ingest); unset: off.',
  },
  {
    name: 'kilgore.ingest.socket.mode',
    type: 'string',
    default: '0660',
    doc: 'Octal permissions of the ingest socket file (who may connect).',
  },
  {
    name: 'kilgore.ingest.batch.records',
    type: 'int',
    default: '1000',
    min: 1,
    doc: 'A topic-partition batch is appended once it holds this many records.',
  },
  {
    name: 'kilgore.ingest.batch.ms',
    type: 'int',
    default: '5',
    min: 0,
    doc: 'A batch is appended at most this long after its first record arrived.',
  },
  {
    name: 'kilgore.ingest.batch.bytes',
    type: 'int',
    default: '1000000',
    min: 1,
    doc: 'A batch is appended before it grows past this many bytes of keys and values.',
  },
  {
    name: 'kilgore.ingest.max.message.bytes',
    type: 'int',
    default: '1048576',
    min: 3,
    doc: 'The largest frame (after the 4-byte length) a writer may send; a larger one closes its connection.',
  },
  {
    name: 'kilgore.ingest.buffer.bytes',
    type: 'long',
    default: '67108864',
    min: 1,
    doc: 'Bytes waiting to be appended before the ingest stops reading its sockets (writers block).',
  },
  {
    name: 'kilgore.ingest.acks',
    type: 'string',
    default: 'all',
    oneOf: ['all', '-1', '1'],
    doc: 'acks of the ingest appends: all (committed on every chain node) or 1 (on the head).',
  },
  {
    name: 'kilgore.ingest.principal',
    type: 'string',
    default: 'User:ANONYMOUS',
    doc: 'The principal whose ACLs apply to ingest writes (socket permissions say who may connect).',
  },
];
