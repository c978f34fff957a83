import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { type JaasEntry, parseJaasConfig, plainUsersFromJaas } from '../security/jaas.js';
import type { AwsAccessKey } from '../security/msk-iam.js';
import { isSupportedMechanism } from '../security/sasl-mechanism.js';
import { ConfigError, type ConfigValue, type ResolvedSetting } from './broker-config.js';
import { type InterBrokerSecurity, interBrokerSecurity } from './inter-broker.js';
import type { Listener } from './listeners.js';
import { parseProperties } from './properties.js';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

/** The TLS side of a listener, already read and checked. */
export interface TlsSettings {
  /** PEM private key and certificate chain. */
  key: string;
  cert: string;
  passphrase?: string;
  /** PEM CA certificates client certificates must chain to. */
  ca?: string;
  clientAuth: 'none' | 'requested' | 'required';
  minVersion: 'TLSv1.2' | 'TLSv1.3';
}

/** How one listener authenticates its clients. */
export interface ListenerSecurity {
  listener: string;
  protocol: SecurityProtocol;
  tls?: TlsSettings;
  /** SASL listeners: the mechanisms offered, in the order configured. */
  saslMechanisms: readonly string[];
  /** PLAIN users (user -> password): the users file plus this listener's JAAS user_ options. */
  plainUsers: ReadonlyMap<string, string>;
}

export interface SecurityConfig {
  /** By listener name. */
  listeners: ReadonlyMap<string, ListenerSecurity>;
  maxConnectionsPerIp: number;
  maxConnections: number;
  /** A frame (or TLS handshake) that takes longer than this to arrive closes the connection. */
  requestReadTimeoutMs: number;
  /** The largest frame before authentication on a SASL listener (sasl.server.max.receive.size). */
  saslMaxReceiveSize: number;
  /** AWS_MSK_IAM access keys by access key id. */
  mskIamKeys: ReadonlyMap<string, AwsAccessKey>;
  /** Extra host names AWS_MSK_IAM clients may sign. */
  mskIamHosts: readonly string[];
  /** How this node connects to other nodes (chain replication); see inter-broker.ts. */
  interBroker?: InterBrokerSecurity;
}

/** A `listener.name.<listener>.<setting>` entry as given (such names are not in the settings table). */
export interface PrefixedSetting {
  text: string;
  origin: string;
}

type Get = (name: string) => ResolvedSetting;
type Parse = (name: string, text: string, origin: string) => ConfigValue;

/**
 * Reads the security settings for every listener: its protocol through
 * listener.security.protocol.map, TLS material (files read and checked here, so a bad file
 * fails startup naming the setting), SASL mechanisms and PLAIN users.
 */
export function buildSecurityConfig(
  get: Get,
  parse: Parse,
  listeners: readonly Listener[],
  prefixed: ReadonlyMap<string, PrefixedSetting>,
): SecurityConfig {
  const mapSetting = get('listener.security.protocol.map');
  const protocolOf = new Map<string, SecurityProtocol>();
  for (const pair of mapSetting.value as string[]) {
    const [name, protocol] = pair.split(':').map((s) => s.trim().toUpperCase());
    if (!name || !protocol || !(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) {
      throw new ConfigError(
        mapSetting.name,
        mapSetting.origin,
        `'${pair}' is not NAME:PROTOCOL with PROTOCOL one of ${SECURITY_PROTOCOLS.join(', ')}`,
      );
    }
    protocolOf.set(name, protocol as SecurityProtocol);
  }

  const usersFile = get('kilgore.sasl.users.file');
  const fileUsers =
    usersFile.value === null
      ? new Map<string, string>()
      : readUsersFile(usersFile.value as string, usersFile);

  const out = new Map<string, ListenerSecurity>();
  for (const l of listeners) {
    const protocol = protocolOf.get(l.name);
    if (protocol === undefined) {
      throw new ConfigError(
        'listener.security.protocol.map',
        mapSetting.origin,
        `listener ${l.name} has no security protocol; add ${l.name}:<PROTOCOL>`,
      );
    }
    // A listener-prefixed setting beats the plain one, as in Kafka.
    const setting = (name: string): { value: ConfigValue; name: string; origin: string } => {
      const key = `listener.name.${l.name.toLowerCase()}.${name}`;
      const p = prefixed.get(key);
      if (p !== undefined) return { value: parse(name, p.text, p.origin), name: key, origin: p.origin };
      const s = get(name);
      return { value: s.value, name, origin: s.origin };
    };
    const tls = protocol === 'SSL' || protocol === 'SASL_SSL' ? readTls(l.name, setting) : undefined;
    let saslMechanisms: string[] = [];
    const plainUsers = new Map(fileUsers);
    if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
      const mech = setting('sasl.enabled.mechanisms');
      saslMechanisms = (mech.value as string[]).map((m) => m.toUpperCase());
      for (const m of saslMechanisms) {
        if (!isSupportedMechanism(m)) {
          throw new ConfigError(
            mech.name,
            mech.origin,
            `mechanism ${m} is not supported; use PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or AWS_MSK_IAM`,
          );
        }
      }
      if (saslMechanisms.length === 0)
        throw new ConfigError(mech.name, mech.origin, `listener ${l.name} has no mechanism`);
      const jaasKey = `listener.name.${l.name.toLowerCase()}.plain.sasl.jaas.config`;
      const jaas = prefixed.get(jaasKey);
      if (jaas !== undefined) {
        for (const [user, password] of plainUsersFromJaas(readJaas(jaasKey, jaas)))
          plainUsers.set(user, password);
      }
      for (const m of ['scram-sha-256', 'scram-sha-512', 'aws_msk_iam']) {
        const key = `listener.name.${l.name.toLowerCase()}.${m}.sasl.jaas.config`;
        const p = prefixed.get(key);
        if (p !== undefined) readJaas(key, p); // checked for syntax; these modules take no users
      }
    }
    out.set(l.name, { listener: l.name, protocol, tls, saslMechanisms, plainUsers });
  }

  const iamFile = get('kilgore.aws.msk.iam.credentials.file');
  const mskIamKeys = iamFile.value === null ? new Map<string, AwsAccessKey>() : readIamKeys(iamFile);
  return {
    listeners: out,
    maxConnectionsPerIp: get('max.connections.per.ip').value as number,
    maxConnections: get('max.connections').value as number,
    requestReadTimeoutMs: get('kilgore.request.read.timeout.ms').value as number,
    saslMaxReceiveSize: get('sasl.server.max.receive.size').value as number,
    mskIamKeys,
    mskIamHosts: (get('kilgore.aws.msk.iam.hosts').value as string[] | null) ?? [],
    interBroker: interBrokerSecurity(get, out, prefixed, readJaas),
  };
}

/** The security protocol of a listener name under listener.security.protocol.map's default. */
export function defaultSecurity(listener: string): ListenerSecurity {
  return { listener, protocol: 'PLAINTEXT', saslMechanisms: [], plainUsers: new Map() };
}

type Setting = (name: string) => { value: ConfigValue; name: string; origin: string };

/**
 * The TLS material of the broker-wide ssl.* settings (no listener prefix), read and checked as a
 * TLS listener's is: for servers beside the Kafka listeners (the HTTP interface's https://).
 * `user` names what needs it, in the error when the keystore is missing.
 */
export function tlsFromSettings(settings: ReadonlyMap<string, ResolvedSetting>, user: string): TlsSettings {
  return readTls(user, (name) => {
    const s = settings.get(name);
    return { value: s?.value ?? null, name, origin: s?.origin ?? 'default' };
  });
}

function readTls(listener: string, setting: Setting): TlsSettings {
  const location = setting('ssl.keystore.location');
  const chain = setting('ssl.keystore.certificate.chain');
  const keyText = setting('ssl.keystore.key');
  const password = setting('ssl.key.password');
  let key: string;
  let cert: string;
  let keyFrom = keyText;
  let certFrom = chain;
  if (keyText.value !== null || chain.value !== null) {
    if (keyText.value === null || chain.value === null) {
      const missing = keyText.value === null ? keyText : chain;
      throw new ConfigError(
        missing.name,
        missing.origin,
        `listener ${listener}: give both ssl.keystore.key and ssl.keystore.certificate.chain`,
      );
    }
    key = keyText.value as string;
    cert = chain.value as string;
  } else if (location.value !== null) {
    const pem = readPem(location);
    key = pemBlocks(pem, /PRIVATE KEY/).join('\n');
    cert = pemBlocks(pem, /^CERTIFICATE$/).join('\n');
    if (key === '')
      throw new ConfigError(location.name, location.origin, `${location.value} holds no PEM private key`);
    if (cert === '')
      throw new ConfigError(location.name, location.origin, `${location.value} holds no PEM certificate`);
    keyFrom = location;
    certFrom = location;
  } else {
    throw new ConfigError(
      location.name,
      location.origin,
      `listener ${listener} uses TLS and needs a key and certificate (ssl.keystore.location, or ssl.keystore.key and ssl.keystore.certificate.chain)`,
    );
  }
  const passphrase = password.value === null ? undefined : (password.value as string);
  try {
    createPrivateKey({ key, format: 'pem', passphrase });
  } catch (err) {
    throw new ConfigError(
      keyFrom.name,
      keyFrom.origin,
      `the private key cannot be read: ${(err as Error).message}`,
    );
  }
  try {
    for (const block of pemBlocks(cert, /^CERTIFICATE$/)) new X509Certificate(block);
    if (pemBlocks(cert, /^CERTIFICATE$/).length === 0) throw new Error('no PEM certificate');
  } catch (err) {
    throw new ConfigError(
      certFrom.name,
      certFrom.origin,
      `the certificate chain cannot be read: ${(err as Error).message}`,
    );
  }
  let ca: string | undefined;
  const trustLocation = setting('ssl.truststore.location');
  const trustText = setting('ssl.truststore.certificates');
  const trustFrom = trustText.value !== null ? trustText : trustLocation;
  if (trustFrom.value !== null) {
    ca = trustFrom === trustText ? (trustText.value as string) : readPem(trustLocation);
    const blocks = pemBlocks(ca, /^CERTIFICATE$/);
    try {
      if (blocks.length === 0) throw new Error('no PEM certificate');
      for (const block of blocks) new X509Certificate(block);
    } catch (err) {
      throw new ConfigError(
        trustFrom.name,
        trustFrom.origin,
        `the CA certificates cannot be read: ${(err as Error).message}`,
      );
    }
  }
  const clientAuth = setting('ssl.client.auth').value as TlsSettings['clientAuth'];
  if (clientAuth !== 'none' && ca === undefined) {
    const s = setting('ssl.client.auth');
    throw new ConfigError(
      s.name,
      s.origin,
      `listener ${listener}: client certificates need ssl.truststore.location`,
    );
  }
  const protocols = setting('ssl.enabled.protocols');
  const versions = protocols.value as string[];
  if (!versions.every((v) => v === 'TLSv1.2' || v === 'TLSv1.3') || versions.length === 0) {
    throw new ConfigError(protocols.name, protocols.origin, 'Kilgore supports TLSv1.2 and TLSv1.3');
  }
  const tls: TlsSettings = {
    key,
    cert,
    passphrase,
    ca,
    clientAuth,
    minVersion: versions.includes('TLSv1.2') ? 'TLSv1.2' : 'TLSv1.3',
  };
  try {
    createSecureContext({ key, cert, passphrase, ca });
  } catch (err) {
    throw new ConfigError(
      keyFrom.name,
      keyFrom.origin,
      `key and certificate do not form a TLS identity: ${(err as Error).message}`,
    );
  }
  return tls;
}

function readPem(s: { value: ConfigValue; name: string; origin: string }): string {
  try {
    return readFileSync(s.value as string, 'utf8');
  } catch (err) {
    throw new ConfigError(s.name, s.origin, `cannot read ${s.value}: ${(err as Error).message}`);
  }
}

/** The PEM blocks of `text` whose label matches (`PRIVATE KEY`, `CERTIFICATE`...). */
function pemBlocks(text: string, label: RegExp): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g)) {
    if (label.test(m[1]!)) out.push(m[0]);
  }
  return out;
}

function readJaas(key: string, p: PrefixedSetting): JaasEntry[] {
  const parsed = parseJaasConfig(p.text);
  if (typeof parsed === 'string') throw new ConfigError(key, p.origin, parsed);
  return parsed;
}

function readUsersFile(path: string, s: ResolvedSetting): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(s.name, s.origin, `cannot read ${path}: ${(err as Error).message}`);
  }
  const users = parseProperties(text);
  for (const [user, password] of users) {
    if (user === '' || password === '')
      throw new ConfigError(s.name, s.origin, `${path}: user '${user}' has an empty name or password`);
  }
  return users;
}

function readIamKeys(s: ResolvedSetting): Map<string, AwsAccessKey> {
  const path = s.value as string;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(s.name, s.origin, `cannot read ${path}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(
      s.name,
      s.origin,
      `${path}: expected {"<access key id>": {"secretAccessKey": ..., "principal": ...}}`,
    );
  }
  const keys = new Map<string, AwsAccessKey>();
  for (const [id, entry] of Object.entries(parsed as Record<string, unknown>)) {
    const e = entry as Partial<Record<'secretAccessKey' | 'principal' | 'sessionToken', unknown>>;
    if (
      typeof e !== 'object' ||
      e === null ||
      typeof e.secretAccessKey !== 'string' ||
      e.secretAccessKey === ''
    ) {
      throw new ConfigError(s.name, s.origin, `${path}: access key ${id} has no secretAccessKey`);
    }
    const name = typeof e.principal === 'string' && e.principal !== '' ? e.principal : id;
    keys.set(id, {
      secretAccessKey: e.secretAccessKey,
      principal: name.startsWith('User:') ? name : `User:${name}`,
      sessionToken: typeof e.sessionToken === 'string' ? e.sessionToken : undefined,
    });
  }
  return keys;
}
