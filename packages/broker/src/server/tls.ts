import type { TLSSocket, TlsOptions } from 'node:tls';
import type { TlsSettings } from '../config/security.js';
import { ANONYMOUS, distinguishedName } from '../security/principal.js';

/** node:tls server options for a listener: its identity, and whether it asks for client certificates. */
export function tlsOptions(tls: TlsSettings): TlsOptions {
  return {
    key: tls.key,
    cert: tls.cert,
    passphrase: tls.passphrase,
    ca: tls.ca,
    minVersion: tls.minVersion,
    requestCert: tls.clientAuth !== 'none',
    // `requested`: a client without a certificate is let in (anonymous); one with a certificate
    // the trust store does not vouch for is refused below, so no unverified name becomes a principal.
    rejectUnauthorized: tls.clientAuth === 'required',
  };
}

/**
 * The principal of a TLS client before any SASL: `User:<subject DN>` for a verified client
 * certificate, `User:ANONYMOUS` without one; undefined when a presented certificate is not
 * trusted (the connection is closed).
 */
export function tlsPrincipal(socket: TLSSocket, clientAuth: TlsSettings['clientAuth']): string | undefined {
  if (clientAuth === 'none') return ANONYMOUS;
  const cert = socket.getPeerX509Certificate();
  if (cert === undefined) return clientAuth === 'required' ? undefined : ANONYMOUS;
  if (!socket.authorized) return undefined;
  return `User:${distinguishedName(cert)}`;
}
