/**
 * How a node opens its connections to other nodes when the cluster's listeners are secured
 * (Kafka's inter-broker client): TLS with the listener's trust store (and key store, for
 * listeners that want client certificates), then SaslHandshake v1 and SaslAuthenticate v1 with
 * the node's own credentials, all before the first chain request. Plain TCP otherwise.
 */
import net from 'node:net';
import tls from 'node:tls';
import { dialPlain, PeerClosedError, type PeerDialer } from '@kilgore/chain';
import {
  ApiKey,
  decodeResponse,
  ErrorCode,
  type SaslAuthenticateResponse,
  type SaslHandshakeResponse,
} from '@kilgore/protocol';
import type { InterBrokerSecurity } from '../config/inter-broker.js';
import type { ScramMechanism } from '../security/scram-credential.js';
import { exchange } from './exchange.js';
import { ScramClient } from './scram-client.js';

export function interBrokerDialer(security: InterBrokerSecurity | undefined): PeerDialer {
  if (security === undefined || security.protocol === 'PLAINTEXT') return dialPlain;
  return async (host, port, timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    const socket =
      security.tls === undefined
        ? await dialPlain(host, port, timeoutMs)
        : await dialTls(host, port, timeoutMs, security.tls);
    if (security.sasl === undefined) return socket;
    try {
      await authenticate(socket, security.sasl, Math.max(1, deadline - Date.now()));
      return socket;
    } catch (err) {
      socket.destroy();
      throw new PeerClosedError(`SASL with ${host}:${port}: ${(err as Error).message}`);
    }
  };
}

function dialTls(
  host: string,
  port: number,
  timeoutMs: number,
  t: NonNullable<InterBrokerSecurity['tls']>,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      ca: t.ca,
      key: t.key,
      cert: t.cert,
      passphrase: t.passphrase,
      minVersion: t.minVersion,
      // SNI takes names only; an IP address is checked against the certificate's IP SANs.
      servername: net.isIP(host) ? undefined : host,
      // ssl.endpoint.identification.algorithm empty: trust the chain, skip the name check.
      checkServerIdentity: t.verifyHostname ? tls.checkServerIdentity : () => undefined,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new PeerClosedError(`TLS connect to ${host}:${port} timed out`));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new PeerClosedError(`TLS connect to ${host}:${port}: ${err.message}`));
    });
  });
}

async function authenticate(
  socket: net.Socket,
  sasl: NonNullable<InterBrokerSecurity['sasl']>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  let id = 0;
  const hs = decodeResponse<SaslHandshakeResponse>(
    ApiKey.SaslHandshake,
    1,
    await exchange(socket, ApiKey.SaslHandshake, 1, ++id, { mechanism: sasl.mechanism }, left()),
  ).body;
  if (hs.errorCode !== ErrorCode.NONE) {
    throw new Error(
      `mechanism ${sasl.mechanism} refused (error ${hs.errorCode}; offered: ${hs.mechanisms.join(', ')})`,
    );
  }
  const step = async (token: Buffer): Promise<Buffer> => {
    const res = decodeResponse<SaslAuthenticateResponse>(
      ApiKey.SaslAuthenticate,
      1,
      await exchange(socket, ApiKey.SaslAuthenticate, 1, ++id, { authBytes: token }, left()),
    ).body;
    if (res.errorCode !== ErrorCode.NONE)
      throw new Error(res.errorMessage ?? `authentication failed (error ${res.errorCode})`);
    return res.authBytes;
  };
  if (sasl.mechanism === 'PLAIN') {
    await step(Buffer.from(`\u0000${sasl.username}\u0000${sasl.password}`, 'utf8'));
    return;
  }
  const scram = new ScramClient(sasl.mechanism as ScramMechanism, sasl.username, sasl.password);
  const serverFirst = await step(scram.first());
  scram.verify(await step(scram.final(serverFirst)));
}
