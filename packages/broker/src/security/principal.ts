import type { X509Certificate } from 'node:crypto';

/** Kafka's principal of a connection that proved nothing (PLAINTEXT, SSL without a client certificate). */
export const ANONYMOUS = 'User:ANONYMOUS';

/** `User:<name>`, the principal Kafka's default builder makes from a SASL authorization id. */
export function userPrincipal(name: string): string {
  return `User:${name}`;
}

/**
 * Short names RFC 2253 (and Java's X500Principal.getName(), which Kafka prints) keeps; every
 * other attribute is written as its dotted OID with the value in hex DER (`1.2.840...=#16...`).
 */
const RFC2253_KEYWORDS = new Set(['CN', 'L', 'ST', 'O', 'OU', 'C', 'STREET', 'DC', 'UID']);
const OIDS: Record<string, string> = {
  emailAddress: '1.2.840.113549.1.9.1',
  serialNumber: '2.5.4.5',
  title: '2.5.4.12',
  GN: '2.5.4.42',
  SN: '2.5.4.4',
  initials: '2.5.4.43',
  pseudonym: '2.5.4.65',
  generationQualifier: '2.5.4.44',
  description: '2.5.4.13',
  postalCode: '2.5.4.17',
  businessCategory: '2.5.4.15',
  name: '2.5.4.41',
  dnQualifier: '2.5.4.46',
};

/**
 * The subject of a client certificate as Kafka prints it: RFC 2253 order (most specific first,
 * `CN=alice,OU=eng,O=Acme,C=US`), special characters escaped. Node gives the subject in
 * certificate order, one `KEY=value` per line, so the lines are reversed.
 */
export function distinguishedName(cert: X509Certificate): string {
  const rdns = cert.subject.split('\n').filter((line) => line !== '');
  return rdns
    .reverse()
    .map((rdn) => {
      const eq = rdn.indexOf('=');
      const key = rdn.slice(0, eq);
      const value = rdn.slice(eq + 1);
      if (RFC2253_KEYWORDS.has(key)) return `${key}=${escapeRfc2253(value)}`;
      const oid = OIDS[key] ?? key;
      // Java hex-encodes the DER of unknown attributes; emailAddress is an IA5String (tag 0x16).
      return `${oid}=#${derString(key === 'emailAddress' ? 0x16 : 0x0c, value)}`;
    })
    .join(',');
}

/** RFC 2253 section 2.4: escape , + " \ < > ; anywhere, # at the start, spaces at either end. */
function escapeRfc2253(value: string): string {
  let out = value.replace(/[,+"\\<>;]/g, (c) => `\\${c}`);
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

function derString(tag: number, value: string): string {
  const body = Buffer.from(value, 'utf8');
  const len =
    body.length < 0x80
      ? Buffer.from([body.length])
      : body.length < 0x100
        ? Buffer.from([0x81, body.length])
        : Buffer.from([0x82, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]).toString('hex');
}
