import {
  ApiKey,
  decodeRequest,
  encodeFrame,
  encodeResponse,
  peekRequestApi,
  type SaslAuthenticateRequest,
  type SaslHandshakeRequest,
} from '@kilgore/protocol';
import type { Logger } from 'pino';
import { answerSaslHandshake } from '../handlers/17-sasl-handshake.js';
import { answerSaslAuthenticate } from '../handlers/36-sasl-authenticate.js';
import { CloseConnection, type FrameHandler, type Reply } from './connection.js';

/**
 * The front door of a SASL listener. Until the client has authenticated, only ApiVersions,
 * SaslHandshake and SaslAuthenticate are served (the last two here, with the connection's
 * session); any other request closes the connection, as Kafka's SaslServerAuthenticator does.
 * After a handshake v0 the client's tokens are bare frames with no Kafka header. Once
 * authenticated, every frame goes to `next` (the router) with the SASL principal.
 *
 * Inter-broker traffic (chain replication's internal api keys, 10000+) is meant to pass the same
 * door: a node authenticates like any client, and the router (or a dedicated listener named by
 * Kafka's `inter.broker.listener.name`) can then require that `connection.principal` is one of
 * the nodes' principals before serving those keys. Nothing here special-cases them today.
 */
export function saslGate(next: FrameHandler, log: Logger): FrameHandler {
  return (frame, connection) => {
    const session = connection.sasl;
    if (session === undefined || session.state === 'authenticated') return next(frame, connection);

    if (session.raw && session.state === 'tokens') {
      // Handshake v0: this frame is a mechanism token. Success answers a bare frame (even an
      // empty one); failure just closes the connection.
      return session.evaluate(frame).then(
        (token) => {
          if (session.state === 'authenticated') authenticated(connection, session.principal!, log);
          return encodeFrame(token) as Reply;
        },
        (err: Error) => {
          log.info({ connection: connection.id, reason: err.message }, 'SASL authentication failed');
          throw new CloseConnection(err.message);
        },
      );
    }

    let api: ReturnType<typeof peekRequestApi>;
    try {
      api = peekRequestApi(frame);
    } catch {
      throw new CloseConnection(
        `request of ${frame.length} bytes before authentication is too short for a header`,
      );
    }
    if (api.apiKey === ApiKey.ApiVersions) return next(frame, connection);
    if (api.apiKey !== ApiKey.SaslHandshake && api.apiKey !== ApiKey.SaslAuthenticate) {
      throw new CloseConnection(`api key ${api.apiKey} before SASL authentication`);
    }
    const maxVersion = api.apiKey === ApiKey.SaslHandshake ? 1 : 2;
    if (api.apiVersion < 0 || api.apiVersion > maxVersion) {
      throw new CloseConnection(`unsupported version ${api.apiVersion} of api key ${api.apiKey}`);
    }
    let body: unknown;
    try {
      body = decodeRequest(frame).body;
    } catch (err) {
      throw new CloseConnection(`malformed SASL request: ${(err as Error).message}`);
    }
    const reply = (response: object, close: boolean): Reply => {
      if (close) connection.closeAfterReplies();
      return encodeResponse(api.apiKey, api.apiVersion, api.correlationId, response);
    };
    if (api.apiKey === ApiKey.SaslHandshake) {
      const { response, close } = answerSaslHandshake(session, body as SaslHandshakeRequest, api.apiVersion);
      if (close) {
        log.info(
          {
            connection: connection.id,
            mechanism: (body as SaslHandshakeRequest).mechanism,
            errorCode: response.errorCode,
          },
          'SASL handshake refused',
        );
      }
      return reply(response, close);
    }
    return answerSaslAuthenticate(session, body as SaslAuthenticateRequest).then(({ response, close }) => {
      if (close) {
        log.info({ connection: connection.id, reason: response.errorMessage }, 'SASL authentication failed');
      } else if (session.state === 'authenticated') {
        authenticated(connection, session.principal!, log);
      }
      return reply(response, close);
    });
  };
}

function authenticated(connection: Parameters<FrameHandler>[1], principal: string, log: Logger): void {
  connection.principal = principal;
  log.debug({ connection: connection.id, principal }, 'SASL authentication succeeded');
}
