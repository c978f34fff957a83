import { hostname } from 'node:os';
import {
  type BrokerConfig,
  ConfigError,
  type ConfigSource,
  type ConfigValue,
  type ResolvedSetting,
} from './broker-config.js';
import { buildChainConfig } from './chain.js';
import { CONFIG_DEFS, type ConfigDef, envName, findConfigDef } from './definitions.js';
import { checkGroupConsumerSettings } from './group-definitions.js';
import { type Listener, parseListener } from './listeners.js';
import { parseProperties } from './properties.js';
import { buildSecurityConfig, type PrefixedSetting } from './security.js';

/** The raw inputs, each a map from Kafka setting name (or synonym) to its text. */
export interface ConfigInputs {
  /** From the command line, keyed by setting name (`log.dir`, not `--log-dir`). */
  flags?: ReadonlyMap<string, string> | Record<string, string | undefined>;
  /** The process environment; only `KILGORE_*` names for known settings are read. */
  env?: Readonly<Record<string, string | undefined>>;
  /** A `server.properties` file already read: its path (for messages) and text. */
  file?: { path: string; text: string };
}

export interface LoadedConfig {
  config: BrokerConfig;
  /** Settings present but unknown to Kilgore; Kafka warns about these too and carries on. */
  warnings: string[];
}

interface RawEntry {
  /** The name as given (maybe a synonym). */
  name: string;
  text: string;
  origin: string;
}

/**
 * Merges defaults < file < env < flags and validates. Within one source a setting beats its
 * synonyms (log.dirs over log.dir, log.retention.ms over .hours); across sources the higher
 * source wins even if it uses a synonym, so `--log-dir` overrides `log.dirs` from a file.
 */
export function loadConfig(inputs: ConfigInputs): LoadedConfig {
  const warnings: string[] = [];
  const layers: { source: ConfigSource; entries: RawEntry[] }[] = [];

  if (inputs.file) {
    const entries: RawEntry[] = [];
    for (const [name, text] of parseProperties(inputs.file.text)) {
      entries.push({ name, text, origin: `${inputs.file.path}` });
    }
    layers.push({ source: 'file', entries });
  }
  if (inputs.env) {
    const entries: RawEntry[] = [];
    const known = new Map<string, string>();
    for (const def of CONFIG_DEFS) {
      for (const n of [def.name, ...(def.synonyms ?? []).map((s) => s.name)]) known.set(envName(n), n);
    }
    for (const [key, text] of Object.entries(inputs.env)) {
      if (!key.startsWith('KILGORE_') || text === undefined) continue;
      const name = known.get(key);
      if (name) entries.push({ name, text, origin: key });
    }
    layers.push({ source: 'env', entries });
  }
  if (inputs.flags) {
    const flagEntries =
      inputs.flags instanceof Map
        ? [...inputs.flags]
        : Object.entries(inputs.flags as Record<string, string>);
    const entries: RawEntry[] = [];
    for (const [name, text] of flagEntries) {
      if (text !== undefined) entries.push({ name, text, origin: `--${name.replaceAll('.', '-')}` });
    }
    layers.push({ source: 'flag', entries });
  }

  // Kafka's per-listener settings (`listener.name.<listener>.<setting>`) have open-ended names;
  // the security config reads them. A higher source wins, as for every setting.
  const prefixed = new Map<string, PrefixedSetting>();
  for (const layer of layers) {
    for (const entry of layer.entries) {
      if (entry.name.startsWith('listener.name.'))
        prefixed.set(entry.name, { text: entry.text, origin: entry.origin });
    }
  }

  const settings = new Map<string, ResolvedSetting>();
  for (const def of CONFIG_DEFS) {
    settings.set(def.name, {
      name: def.name,
      value: def.default === null ? null : parseValue(def, def.default, 1, 'default'),
      source: 'default',
      origin: 'default',
    });
  }
  for (const layer of layers) {
    // Best (lowest) synonym rank seen in this layer per setting.
    const chosen = new Map<string, { rank: number; entry: RawEntry; factor: number }>();
    for (const entry of layer.entries) {
      const found = findConfigDef(entry.name);
      if (!found && entry.name.startsWith('listener.name.')) continue;
      if (!found) {
        warnings.push(`${entry.origin}: ${entry.name} is not a setting Kilgore knows; ignored`);
        continue;
      }
      const prev = chosen.get(found.def.name);
      if (!prev || found.rank < prev.rank)
        chosen.set(found.def.name, { rank: found.rank, entry, factor: found.factor });
    }
    for (const [name, { entry, factor }] of chosen) {
      const def = findConfigDef(name)!.def;
      const origin = layer.source === 'file' ? `${entry.origin} (${entry.name})` : entry.origin;
      settings.set(name, {
        name,
        value: parseValue(def, entry.text, factor, origin),
        source: layer.source,
        origin,
      });
    }
  }
  const config = buildConfig(settings, prefixed);
  // Kafka configs often carry settings for listeners Kilgore does not run (KRaft's CONTROLLER).
  for (const [key, p] of prefixed) {
    const l = /^listener\.name\.([^.]+)\./.exec(key)?.[1]?.toUpperCase();
    if (!config.listeners.some((x) => x.name === l)) {
      warnings.push(`${p.origin}: ${key} names no listener in listeners; ignored`);
    }
  }
  return { config, warnings };
}

/** Kafka's Long.MAX_VALUE. */
const LONG_MAX = 9223372036854775807n;

function parseValue(def: ConfigDef, raw: string, factor: number, origin: string): ConfigValue {
  const text = raw.trim();
  const fail = (why: string): never => {
    throw new ConfigError(def.name, origin, `'${raw}' ${why}`);
  };
  switch (def.type) {
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(text)) fail('is not an integer');
      // Kafka's "unbounded" for longs (e.g. log.message.timestamp.before.max.ms).
      if (def.type === 'long' && factor === 1 && BigInt(text) >= LONG_MAX) return Number.POSITIVE_INFINITY;
      const n = Number(text) * factor;
      if (!Number.isSafeInteger(n)) fail('is too large');
      if (def.min !== undefined && n < def.min) fail(`is below the minimum ${def.min}`);
      const max = def.max ?? (def.type === 'int' ? 2 ** 31 - 1 : Number.MAX_SAFE_INTEGER);
      if (n > max) fail(`is above the maximum ${max}`);
      return n;
    }
    case 'boolean': {
      const t = text.toLowerCase();
      if (t !== 'true' && t !== 'false') fail('is not true or false');
      return t === 'true';
    }
    case 'string': {
      if (def.oneOf && !def.oneOf.includes(text.toLowerCase())) fail(`is not one of ${def.oneOf.join(', ')}`);
      return def.oneOf ? text.toLowerCase() : text;
    }
    case 'list':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
  }
}

function buildConfig(
  settings: Map<string, ResolvedSetting>,
  prefixed: ReadonlyMap<string, PrefixedSetting>,
): BrokerConfig {
  const get = (name: string): ResolvedSetting => settings.get(name)!;
  const num = (name: string): number => get(name).value as number;
  const bool = (name: string): boolean => get(name).value as boolean;

  const listenersSetting = get('listeners');
  const listeners = parseListenerList(listenersSetting);
  if (listeners.length === 0)
    throw new ConfigError('listeners', listenersSetting.origin, 'no listener given');
  // Each listener's security protocol (listener.security.protocol.map) and TLS/SASL material.
  const security = buildSecurityConfig(
    get,
    (name, text, origin) => parseValue(findConfigDef(name)!.def, text, 1, origin),
    listeners,
    prefixed,
  );
  const advertisedSetting = get('advertised.listeners');
  let advertisedListeners: Listener[];
  if (advertisedSetting.value === null) {
    // Kafka advertises the listeners themselves, with a wildcard host replaced by this host's name.
    advertisedListeners = listeners.map((l) => ({ ...l, host: isWildcard(l.host) ? hostname() : l.host }));
  } else {
    advertisedListeners = parseListenerList(advertisedSetting);
    for (const a of advertisedListeners) {
      if (!listeners.some((l) => l.name === a.name)) {
        throw new ConfigError(
          'advertised.listeners',
          advertisedSetting.origin,
          `listener ${a.name} is not in listeners`,
        );
      }
      if (isWildcard(a.host)) {
        throw new ConfigError(
          'advertised.listeners',
          advertisedSetting.origin,
          `${a.name} has no host; clients need a concrete address`,
        );
      }
    }
  }

  checkGroupConsumerSettings(get);

  const logDirs = get('log.dirs');
  const dirs = logDirs.value as string[];
  if (dirs.length !== 1) {
    throw new ConfigError(
      'log.dirs',
      logDirs.origin,
      `Kilgore uses exactly one log directory, got ${dirs.length}`,
    );
  }

  if (num('default.replication.factor') === 0) {
    const d = settings.get('default.replication.factor');
    throw new ConfigError(
      'default.replication.factor',
      d?.origin ?? 'default',
      "'0' must be -1 or at least 1",
    );
  }

  return {
    nodeId: num('node.id'),
    listeners,
    advertisedListeners,
    logDir: dirs[0]!,
    numPartitions: num('num.partitions'),
    defaultReplicationFactor: num('default.replication.factor'),
    autoCreateTopicsEnable: bool('auto.create.topics.enable'),
    deleteTopicEnable: bool('delete.topic.enable'),
    maxPartitions: num('kilgore.max.partitions'),
    logSegmentBytes: num('log.segment.bytes'),
    logRollMs: num('log.roll.ms'),
    logRetentionMs: num('log.retention.ms'),
    logRetentionBytes: num('log.retention.bytes'),
    logRetentionCheckIntervalMs: num('log.retention.check.interval.ms'),
    logIndexIntervalBytes: num('log.index.interval.bytes'),
    messageMaxBytes: num('message.max.bytes'),
    logMessageTimestampBeforeMaxMs: num('log.message.timestamp.before.max.ms'),
    logMessageTimestampAfterMaxMs: num('log.message.timestamp.after.max.ms'),
    compressionType: get('compression.type').value as string,
    compressionGzipLevel: num('compression.gzip.level'),
    compressionLz4Level: num('compression.lz4.level'),
    compressionZstdLevel: num('compression.zstd.level'),
    socketRequestMaxBytes: num('socket.request.max.bytes'),
    connectionsMaxIdleMs: num('connections.max.idle.ms'),
    queuedMaxRequests: num('queued.max.requests'),
    loggerLevel: get('logger.level').value as string,
    security,
    chain: buildChainConfig(settings, num('node.id')),
    settings,
  };
}

function parseListenerList(setting: ResolvedSetting): Listener[] {
  const out: Listener[] = [];
  for (const text of setting.value as string[]) {
    const parsed = parseListener(text);
    if (typeof parsed === 'string') throw new ConfigError(setting.name, setting.origin, parsed);
    if (out.some((l) => l.name === parsed.name)) {
      throw new ConfigError(setting.name, setting.origin, `listener name ${parsed.name} appears twice`);
    }
    out.push(parsed);
  }
  return out;
}

function isWildcard(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::';
}
