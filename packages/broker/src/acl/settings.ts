import type { BrokerConfig } from '../config/broker-config.js';

/** The authorizer's settings, read from the broker config by their Kafka names. */
export interface AclSettings {
  /** `authorizer.class.name` set to anything: ACLs are enforced. */
  enabled: boolean;
  /** `super.users`, split on `;` (principals may contain commas: TLS distinguished names). */
  superUsers: ReadonlySet<string>;
  /** `allow.everyone.if.no.acl.found`. */
  allowIfNoAcl: boolean;
}

export function aclSettings(config: BrokerConfig): AclSettings {
  // Read through `settings` so configs built by hand (tests) without these names mean "off".
  const value = (name: string) => config.settings?.get(name)?.value ?? null;
  const className = value('authorizer.class.name');
  const superUsers = value('super.users');
  return {
    enabled: typeof className === 'string' && className.trim() !== '',
    superUsers: new Set(
      typeof superUsers === 'string'
        ? superUsers
            .split(';')
            .map((s) => s.trim())
            .filter((s) => s !== '')
        : [],
    ),
    allowIfNoAcl: value('allow.everyone.if.no.acl.found') === true,
  };
}
