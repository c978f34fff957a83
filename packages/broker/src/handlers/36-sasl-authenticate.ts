import {
  ApiKey,
  ErrorCode,
  type SaslAuthenticateRequest,
  type SaslAuthenticateResponse,
} from '@kilgore/protocol';
import { SaslAuthenticationError } from '../security/sasl-mechanism.js';
import type { SaslSession } from '../security/sasl-session.js';
import { defineHandler } from './types.js';

/** An authentication step's answer, and whether the connection must close once it is written. */
export interface AuthenticateOutcome {
  response: SaslAuthenticateResponse;
  close: boolean;
}

/**
 * SaslAuthenticate before authentication (called by the connection's security gate): one
 * mechanism token in, the server's token out. A refusal answers SASL_AUTHENTICATION_FAILED with
 * the reason and closes the connection; a token before a v1 handshake is ILLEGAL_SASL_STATE.
 * Sessions do not expire (session_lifetime_ms 0: clients never re-authenticate).
 */
export async function answerSaslAuthenticate(
  session: SaslSession,
  request: SaslAuthenticateRequest,
): Promise<AuthenticateOutcome> {
  const empty = Buffer.alloc(0);
  if (session.state !== 'tokens' || session.raw) {
    return {
      response: {
        errorCode: ErrorCode.ILLEGAL_SASL_STATE,
        errorMessage: 'SaslAuthenticate before a SaslHandshake v1 chose a mechanism',
        authBytes: empty,
        sessionLifetimeMs: 0n,
      },
      close: true,
    };
  }
  try {
    const authBytes = await session.evaluate(request.authBytes);
    return {
      response: { errorCode: ErrorCode.NONE, errorMessage: null, authBytes, sessionLifetimeMs: 0n },
      close: false,
    };
  } catch (err) {
    const message = err instanceof SaslAuthenticationError ? err.message : 'Authentication failed';
    return {
      response: {
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage: message,
        authBytes: empty,
        sessionLifetimeMs: 0n,
      },
      close: true,
    };
  }
}

/**
 * SaslAuthenticate as the router sees it: on a listener without SASL or after authentication.
 * Kafka answers ILLEGAL_SASL_STATE (re-authentication is not offered: lifetime 0).
 */
export const saslAuthenticateHandler = defineHandler<SaslAuthenticateRequest, SaslAuthenticateResponse>({
  apiKey: ApiKey.SaslAuthenticate,
  minVersion: 0,
  maxVersion: 2,
  handle() {
    return {
      errorCode: ErrorCode.ILLEGAL_SASL_STATE,
      errorMessage:
        'SaslAuthenticate request received after successful authentication or on a listener without SASL',
      authBytes: Buffer.alloc(0),
      sessionLifetimeMs: 0n,
    };
  },
});
