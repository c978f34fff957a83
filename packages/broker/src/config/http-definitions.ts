/**
 * Settings of the HTTP interface (packages/http, wired in by `kilgore serve`). Defined here so
 * that flags, KILGORE_* variables and server.properties know them; the http package reads them
 * from BrokerConfig.settings. Off unless kilgore.http.listeners is set. https:// listeners use
 * the broker's ssl.keystore.* / ssl.truststore.* / ssl.client.auth settings.
 */
import type { ConfigDef } from './definitions.js';

export const HTTP_CONFIG_DEFS: readonly ConfigDef[] = [
  {
    name: 'kilgore.http.listeners',
    type: 'list',
    default: null,
    doc: 'Comma-separated http://host:port or https://host:port URLs of the HTTP interface (README: HTTP interface); unset: off.',
  },
  {
    name: 'kilgore.http.authentication',
    type: 'string',
    default: 'none',
    oneOf: ['none', 'basic'],
    doc: "basic: every request needs HTTP Basic credentials of one of the broker's PLAIN/SCRAM users; none: requests act as kilgore.http.principal.",
  },
  {
    name: 'kilgore.http.principal',
    type: 'string',
    default: 'User:ANONYMOUS',
    doc: 'The principal whose ACLs apply to HTTP requests when kilgore.http.authentication=none.',
  },
  {
    name: 'kilgore.http.max.request.bytes',
    type: 'int',
    default: '1048576',
    min: 1,
    doc: 'The largest request body accepted; a larger one is answered 413.',
  },
  {
    name: 'kilgore.http.max.response.bytes',
    type: 'int',
    default: '1048576',
    min: 1,
    doc: 'The most record bytes one GET reads from the log (the max_bytes a request may ask for).',
  },
  {
    name: 'kilgore.http.max.wait.ms',
    type: 'int',
    default: '30000',
    min: 0,
    doc: 'The longest a GET may wait for a record (wait_ms is capped to this).',
  },
  {
    name: 'kilgore.http.acks',
    type: 'string',
    default: 'all',
    oneOf: ['all', '-1', '1'],
    doc: 'acks of HTTP puts: all (committed on every chain node) or 1 (on the head).',
  },
];
