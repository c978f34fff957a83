import { ApiKey, ErrorCode, type SaslHandshakeRequest, type SaslHandshakeResponse } from '@kilgore/protocol';
import type { SaslSession } from '../security/sasl-session.js';
import { defineHandler } from './types.js';

/** A handshake's answer, and whether the connection must close once it is written. */
export interface HandshakeOutcome {
  response: SaslHandshakeResponse;
  close: boolean;
}

/**
 * SaslHandshake on a SASL listener before authentication (the connection's security gate calls
 * this): the client names a mechanism; an enabled one is accepted with the enabled list, any
 * other gets UNSUPPORTED_SASL_MECHANISM with that list and the connection closes. Version 0
 * means the tokens that follow are raw frames; version 1 means they come in SaslAuthenticate.
 */
export function answerSaslHandshake(
  session: SaslSession,
  request: SaslHandshakeRequest,
  version: number,
): HandshakeOutcome {
  const mechanisms = [...session.mechanisms];
  if (session.state !== 'handshake') {
    return { response: { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms }, close: true };
  }
  if (!session.handshake(request.mechanism, version)) {
    return { response: { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms }, close: true };
  }
  return { response: { errorCode: ErrorCode.NONE, mechanisms }, close: false };
}

/**
 * SaslHandshake as the router sees it: only on a listener without SASL, or after the client has
 * authenticated (Kilgore does not re-authenticate). Kafka answers ILLEGAL_SASL_STATE then too.
 */
export const saslHandshakeHandler = defineHandler<SaslHandshakeRequest, SaslHandshakeResponse>({
  apiKey: ApiKey.SaslHandshake,
  minVersion: 0,
  maxVersion: 1,
  handle() {
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
  },
});
