import type { BrokerConfig } from '../config/broker-config.js';
import { SaslAuthenticator } from './sasl-session.js';
import type { ScramCredentialStore } from './scram-store.js';

/**
 * One SaslAuthenticator per SASL listener. AWS_MSK_IAM clients sign the host they connect to:
 * the listener's advertised host, its bound host, or one of kilgore.aws.msk.iam.hosts.
 */
export function createAuthenticators(
  config: BrokerConfig,
  scram: ScramCredentialStore,
): Map<string, SaslAuthenticator> {
  const out = new Map<string, SaslAuthenticator>();
  const security = config.security;
  if (security === undefined) return out;
  for (const [name, listener] of security.listeners) {
    if (listener.protocol !== 'SASL_PLAINTEXT' && listener.protocol !== 'SASL_SSL') continue;
    const hosts = new Set<string>(security.mskIamHosts);
    for (const l of [...config.listeners, ...config.advertisedListeners]) {
      if (l.name === name && l.host !== '' && l.host !== '0.0.0.0' && l.host !== '::') hosts.add(l.host);
    }
    out.set(
      name,
      new SaslAuthenticator({ listener, scram, mskIamKeys: security.mskIamKeys, mskIamHosts: [...hosts] }),
    );
  }
  return out;
}
