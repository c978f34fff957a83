import type {
  DescribeConfigsResponseDescribeConfigsResourceResult as ConfigEntry,
  DescribeConfigsResponseDescribeConfigsSynonym as ConfigSynonym,
} from '@kilgore/protocol';
import { type BrokerConfig, configValueText } from '../config/broker-config.js';
import { CONFIG_DEFS } from '../config/definitions.js';
import {
  brokerDefault,
  ConfigType,
  describeType,
  TOPIC_CONFIG_DEFS,
  topicConfigDef,
} from '../topics/topic-config-defs.js';
import type { TopicOverrides } from '../topics/topic-configs.js';

/** Kafka's ConfigResource.Type values Kilgore answers for. */
export const ResourceType = { TOPIC: 2, BROKER: 4 } as const;

/** Kafka's DescribeConfigsResponse.ConfigSource. */
export const ConfigSource = { TOPIC_CONFIG: 1, STATIC_BROKER_CONFIG: 4, DEFAULT_CONFIG: 5 } as const;

export interface DescribeOptions {
  /** Null lists every config; otherwise only the known ones among these names. */
  keys: readonly string[] | null;
  synonyms: boolean;
  documentation: boolean;
}

/**
 * A topic's configs as Kafka reports them: each known topic config with its effective value and
 * where it comes from (the topic's override, a broker setting given at startup, or the default),
 * the synonyms in precedence order when asked for.
 */
export function topicConfigEntries(
  overrides: TopicOverrides,
  config: BrokerConfig,
  opts: DescribeOptions,
): ConfigEntry[] {
  const defs =
    opts.keys === null
      ? TOPIC_CONFIG_DEFS
      : opts.keys.flatMap((k) => {
          const d = topicConfigDef(k);
          return d ? [d] : [];
        });
  return defs.map((def) => {
    const fallback = brokerDefault(def, config);
    const synonyms: ConfigSynonym[] = [];
    const own = overrides.get(def.name);
    if (own !== undefined) synonyms.push({ name: def.name, value: own, source: ConfigSource.TOPIC_CONFIG });
    if (fallback.explicit) {
      synonyms.push({
        name: def.brokerSynonym,
        value: fallback.value,
        source: ConfigSource.STATIC_BROKER_CONFIG,
      });
    }
    synonyms.push({ name: def.brokerSynonym, value: def.default, source: ConfigSource.DEFAULT_CONFIG });
    const top = synonyms[0]!;
    return {
      name: def.name,
      value: own ?? fallback.value,
      readOnly: false,
      configSource: top.source,
      isDefault: top.source === ConfigSource.DEFAULT_CONFIG,
      isSensitive: false,
      synonyms: opts.synonyms ? synonyms : [],
      configType: describeType(def),
      documentation: opts.documentation ? def.doc : null,
    };
  });
}

const BROKER_TYPES: Record<string, number> = {
  int: ConfigType.INT,
  long: ConfigType.LONG,
  boolean: ConfigType.BOOLEAN,
  string: ConfigType.STRING,
  list: ConfigType.LIST,
};

/**
 * This node's settings. All read-only: Kilgore has no dynamic broker configs, so what was given
 * at startup (file, environment or flag: Kafka's STATIC_BROKER_CONFIG) is what runs.
 */
export function brokerConfigEntries(config: BrokerConfig, opts: DescribeOptions): ConfigEntry[] {
  const wanted = opts.keys === null ? null : new Set(opts.keys);
  return CONFIG_DEFS.filter((d) => wanted === null || wanted.has(d.name)).map((def) => {
    const s = config.settings.get(def.name);
    const value = s?.value === undefined || s.value === null ? null : configValueText(s.value);
    const explicit = s !== undefined && s.source !== 'default';
    // ssl.keystore.key holds a private key in PEM: as secret as a password.
    const sensitive = /password|secret|\.key$/.test(def.name);
    const synonyms: ConfigSynonym[] = [];
    if (explicit) synonyms.push({ name: def.name, value, source: ConfigSource.STATIC_BROKER_CONFIG });
    if (def.default !== null) {
      synonyms.push({ name: def.name, value: def.default, source: ConfigSource.DEFAULT_CONFIG });
    }
    const source = explicit ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
    return {
      name: def.name,
      value: sensitive ? null : value,
      readOnly: true,
      configSource: source,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      isSensitive: sensitive,
      synonyms: opts.synonyms && !sensitive ? synonyms : [],
      configType: BROKER_TYPES[def.type] ?? ConfigType.STRING,
      documentation: opts.documentation ? def.doc : null,
    };
  });
}

/** Kafka's check of a broker resource name: this node's id, or empty for the cluster default. */
export function brokerNameError(name: string, nodeId: number): string | null {
  if (name === '' || name === String(nodeId)) return null;
  return `Unexpected broker id, expected ${nodeId} or empty string, but received ${name}`;
}
