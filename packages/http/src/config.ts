import { type BrokerConfig, ConfigError, type TlsSettings, tlsFromSettings } from '@kilgore/broker';

/** One address the HTTP interface listens on. */
export interface HttpListener {
  protocol: 'http' | 'https';
  host: string;
  /** 0: any free port (the bound one is in HttpServer.urls). */
  port: number;
}

/** The HTTP interface's settings (packages/broker/src/config/http-definitions.ts), typed. */
export interface HttpConfig {
  listeners: HttpListener[];
  /** The broker's keystore, read when a listener is https://. */
  tls?: TlsSettings;
  authentication: 'none' | 'basic';
  /** The principal of requests when authentication is none. */
  principal: string;
  maxRequestBytes: number;
  maxResponseBytes: number;
  maxWaitMs: number;
  acks: -1 | 1;
}

const SETTING = 'kilgore.http.listeners';

/** The HTTP settings of a loaded broker config; null when kilgore.http.listeners is unset. */
export function httpConfigFrom(config: BrokerConfig): HttpConfig | null {
  const get = (name: string) => config.settings.get(name);
  const listenersSetting = get(SETTING);
  const urls = (listenersSetting?.value as string[] | null | undefined) ?? [];
  if (urls.length === 0) return null;
  const origin = listenersSetting?.origin ?? 'default';
  const listeners = urls.map((u) => parseListener(u, origin));
  const num = (name: string, fallback: number): number => {
    const v = get(name)?.value;
    return typeof v === 'number' ? v : fallback;
  };
  const tls = listeners.some((l) => l.protocol === 'https')
    ? tlsFromSettings(config.settings, SETTING)
    : undefined;
  return {
    listeners,
    tls,
    authentication: get('kilgore.http.authentication')?.value === 'basic' ? 'basic' : 'none',
    principal: String(get('kilgore.http.principal')?.value ?? 'User:ANONYMOUS'),
    maxRequestBytes: num('kilgore.http.max.request.bytes', 1 << 20),
    maxResponseBytes: num('kilgore.http.max.response.bytes', 1 << 20),
    maxWaitMs: num('kilgore.http.max.wait.ms', 30_000),
    acks: String(get('kilgore.http.acks')?.value ?? 'all') === '1' ? 1 : -1,
  };
}

/** scheme://host:port, host a name, an IPv4 address or a bracketed IPv6 one (empty: every interface). */
const LISTENER = /^(https?):\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]*):(\d{1,5})\/?$/;

function parseListener(text: string, origin: string): HttpListener {
  const m = LISTENER.exec(text);
  if (m === null) {
    throw new ConfigError(SETTING, origin, `'${text}' is not http://host:port or https://host:port`);
  }
  const port = Number(m[3]);
  if (port > 65535) throw new ConfigError(SETTING, origin, `'${text}': port ${port} is over 65535`);
  // listen() wants IPv6 hosts bare.
  const host = m[2]!.replace(/^\[(.*)\]$/, '$1');
  return { protocol: m[1] as 'http' | 'https', host, port };
}
