import { ConfigError, type ResolvedSetting } from './broker-config.js';
import type { ListenerSecurity, PrefixedSetting, SecurityProtocol } from './security.js';

/** Mechanisms a node can authenticate to another node with (it needs a password-based one). */
const INTER_BROKER_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

/**
 * How this node connects to other nodes (chain replication): the listener it reaches them on and
 * what that listener requires, as Kafka's inter-broker client settings give it.
 */
export interface InterBrokerSecurity {
  listener: string;
  protocol: SecurityProtocol;
  /** TLS listeners: the listener's trust store (and key store, offered as a client certificate). */
  tls?: {
    ca?: string;
    /** Absent: no client certificate (a listener that does not ask for one). */
    key?: string;
    cert?: string;
    passphrase?: string;
    minVersion: 'TLSv1.2' | 'TLSv1.3';
    /** ssl.endpoint.identification.algorithm=https (the default): the peer's name must match. */
    verifyHostname: boolean;
  };
  /** SASL listeners: the node's own identity, from the listener's JAAS config. */
  sasl?: { mechanism: string; username: string; password: string };
  /** Why this node cannot authenticate to its peers (a chain refuses to start with it). */
  problem?: string;
}

type Get = (name: string) => ResolvedSetting;

/**
 * The listener named by `inter.broker.listener.name`, else the first with the protocol of
 * `security.inter.broker.protocol`, else the first listener (peers' addresses in the chain
 * membership point at it). SASL credentials come from
 * `listener.name.<listener>.<mechanism>.sasl.jaas.config`, options `username` and `password`.
 */
export function interBrokerSecurity(
  get: Get,
  listeners: ReadonlyMap<string, ListenerSecurity>,
  prefixed: ReadonlyMap<string, PrefixedSetting>,
  parseJaas: (key: string, p: PrefixedSetting) => { options: ReadonlyMap<string, string> }[],
): InterBrokerSecurity | undefined {
  const nameSetting = get('inter.broker.listener.name');
  const protoSetting = get('security.inter.broker.protocol');
  let l: ListenerSecurity | undefined;
  if (nameSetting.value !== null) {
    if (protoSetting.value !== null)
      throw new ConfigError(
        protoSetting.name,
        protoSetting.origin,
        'give inter.broker.listener.name or security.inter.broker.protocol, not both',
      );
    const name = (nameSetting.value as string).toUpperCase();
    l = listeners.get(name);
    if (l === undefined)
      throw new ConfigError(nameSetting.name, nameSetting.origin, `no listener is named ${name}`);
  } else if (protoSetting.value !== null) {
    const proto = (protoSetting.value as string).toUpperCase();
    l = [...listeners.values()].find((x) => x.protocol === proto);
    if (l === undefined)
      throw new ConfigError(protoSetting.name, protoSetting.origin, `no listener uses ${proto}`);
  } else {
    l = listeners.values().next().value;
  }
  if (l === undefined) return undefined;
  const out: InterBrokerSecurity = { listener: l.listener, protocol: l.protocol };
  if (l.tls) {
    const alg = get('ssl.endpoint.identification.algorithm');
    out.tls = {
      ca: l.tls.ca,
      key: l.tls.key,
      cert: l.tls.cert,
      passphrase: l.tls.passphrase,
      minVersion: l.tls.minVersion,
      verifyHostname: ((alg.value as string | null) ?? '').trim() !== '',
    };
  }
  if (l.protocol === 'SASL_PLAINTEXT' || l.protocol === 'SASL_SSL') {
    const mechSetting = get('sasl.mechanism.inter.broker.protocol');
    const mechanism = (mechSetting.value as string).toUpperCase();
    if (!INTER_BROKER_MECHANISMS.includes(mechanism))
      throw new ConfigError(
        mechSetting.name,
        mechSetting.origin,
        `${mechanism} cannot be used between nodes; use ${INTER_BROKER_MECHANISMS.join(', ')}`,
      );
    if (!l.saslMechanisms.includes(mechanism))
      throw new ConfigError(
        mechSetting.name,
        mechSetting.origin,
        `listener ${l.listener} does not enable ${mechanism} (sasl.enabled.mechanisms)`,
      );
    const key = `listener.name.${l.listener.toLowerCase()}.${mechanism.toLowerCase()}.sasl.jaas.config`;
    const jaas = prefixed.get(key);
    const options = jaas === undefined ? undefined : parseJaas(key, jaas)[0]?.options;
    const username = options?.get('username');
    const password = options?.get('password');
    if (username === undefined || password === undefined) {
      out.problem = `chain replication over ${l.listener} (${l.protocol}) needs this node's credentials: set ${key} with username="..." password="..."`;
    } else {
      out.sasl = { mechanism, username, password };
    }
  }
  return out;
}
