import { lookupSchema } from '../codec/registry.js';
import { inVersionRange } from '../schema/versions.js';
import type { RequestHeaderVersion } from './request-header.js';
import type { ResponseHeaderVersion } from './response-header.js';

const API_VERSIONS = 18;
const CONTROLLED_SHUTDOWN = 7;

function isFlexible(apiKey: number, apiVersion: number): boolean {
  const schema = lookupSchema(apiKey);
  // Flexibility follows flexibleVersions even above validVersions: an ApiVersions request at a
  // version we do not support must still have its v2 header parsed to answer it.
  return schema !== undefined && inVersionRange(schema.flexibleVersions, apiVersion);
}

/** Header version of a request: 2 when the (api, version) is flexible, else 1. */
export function requestHeaderVersion(apiKey: number, apiVersion: number): RequestHeaderVersion {
  if (isFlexible(apiKey, apiVersion)) return 2;
  // ControlledShutdown v0 predates client_id (Kafka special-cases it the same way).
  if (apiKey === CONTROLLED_SHUTDOWN && apiVersion === 0) return 0;
  return 1;
}

/**
 * Header version of a response: 1 when flexible, else 0. ApiVersions always answers with v0
 * (KIP-511) so a client can read the error before it knows which versions the broker speaks.
 */
export function responseHeaderVersion(apiKey: number, apiVersion: number): ResponseHeaderVersion {
  if (apiKey === API_VERSIONS) return 0;
  return isFlexible(apiKey, apiVersion) ? 1 : 0;
}
