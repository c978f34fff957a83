/** A parsed entry of `listeners` / `advertised.listeners`: `NAME://host:port`. */
export interface Listener {
  /** The listener name, e.g. PLAINTEXT; with no listener.security.protocol.map it is the protocol too. */
  name: string;
  /** Empty string means every interface (Kafka's `PLAINTEXT://:9092`). IPv6 without brackets. */
  host: string;
  port: number;
}

/** Security protocols this build can serve (a listener's via listener.security.protocol.map). */
export const SUPPORTED_PROTOCOLS: readonly string[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

const LISTENER = /^([A-Za-z0-9_]+):\/\/(\[[0-9A-Fa-f:.]+\]|[^:/[\]]*):(\d+)$/;

/** Parses one listener URI, or returns why it is not one. */
export function parseListener(text: string): Listener | string {
  const m = LISTENER.exec(text.trim());
  if (!m) return `'${text}' is not of the form NAME://host:port`;
  const [, name, rawHost, rawPort] = m as unknown as [string, string, string, string];
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return `port ${rawPort} is out of range 0..65535`;
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  return { name: name.toUpperCase(), host, port };
}

/** `NAME://host:port`, bracketing IPv6 hosts. */
export function formatListener(l: Listener): string {
  const host = l.host.includes(':') ? `[${l.host}]` : l.host;
  return `${l.name}://${host}:${l.port}`;
}
