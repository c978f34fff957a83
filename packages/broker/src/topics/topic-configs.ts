import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '@kilgore/protocol';
import type { Logger } from 'pino';
import { parseProperties } from '../config/properties.js';
import { invalidValueReason, topicConfigDef } from './topic-config-defs.js';

/** A topic's overrides: Kafka config name -> value as the client gave it. */
export type TopicOverrides = ReadonlyMap<string, string>;

/** A bad topic config; `code` is INVALID_CONFIG (40) or INVALID_REQUEST (42). */
export class TopicConfigError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'TopicConfigError';
  }
}

/**
 * Checks a full set of overrides as Kafka's LogConfig.validate would: every name a known topic
 * config, every value valid (null values refused). Throws TopicConfigError. A name given twice:
 * the last value wins, as in Kafka's CreateTopics.
 */
export function validateOverrides(entries: Iterable<readonly [string, string | null]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of entries) {
    const def = topicConfigDef(name);
    if (!def) throw new TopicConfigError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${name}`);
    if (value === null) {
      throw new TopicConfigError(
        ErrorCode.INVALID_CONFIG,
        `Null value not supported for topic configs: ${name}`,
      );
    }
    const reason = invalidValueReason(def, value);
    if (reason) throw new TopicConfigError(ErrorCode.INVALID_CONFIG, reason);
    out.set(name, value.trim());
  }
  return out;
}

/** Where the overrides live, under the log dir: one Java-properties file per topic. */
export const TOPIC_CONFIG_DIR = 'kilgore-topic-configs';

/**
 * Per-topic config overrides, persisted. Kafka keeps them in its metadata log (KRaft) or
 * ZooKeeper; Kilgore keeps `<log.dirs>/kilgore-topic-configs/<topic>.properties`, written
 * atomically (temp file, fsync, rename, fsync of the dir), so a crash leaves the old set or the
 * new one. The dir name has no `-<n>` suffix, so neither storage nor the topic registry takes it
 * for a partition. A topic without a file uses the broker's defaults.
 */
export class TopicConfigStore {
  private readonly byTopic = new Map<string, TopicOverrides>();
  private readonly dir: string;

  constructor(
    logDir: string,
    private readonly log: Logger,
  ) {
    this.dir = join(logDir, TOPIC_CONFIG_DIR);
  }

  /** Reads every file; entries that no longer validate are dropped with a warning, not fatal. */
  load(topics: Iterable<string>): void {
    mkdirSync(this.dir, { recursive: true });
    const wanted = new Set(topics);
    for (const file of readdirSync(this.dir)) {
      if (!file.endsWith('.properties')) continue;
      const topic = file.slice(0, -'.properties'.length);
      // A file without its topic is left from a crash between writing it and creating the topic.
      if (!wanted.has(topic)) {
        rmSync(join(this.dir, file), { force: true });
        continue;
      }
      const overrides = new Map<string, string>();
      for (const [name, value] of parseProperties(readFileSync(join(this.dir, file), 'utf8'))) {
        try {
          validateOverrides([[name, value]]);
          overrides.set(name, value);
        } catch (err) {
          this.log.warn(
            { topic, name, value, err: (err as Error).message },
            'ignoring a stored topic config',
          );
        }
      }
      this.byTopic.set(topic, overrides);
    }
  }

  get(topic: string): TopicOverrides {
    return this.byTopic.get(topic) ?? new Map();
  }

  /** Replaces a topic's whole override set and writes it to disk before returning. */
  set(topic: string, overrides: TopicOverrides): void {
    const text = [...overrides]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${escapeValue(v)}\n`)
      .join('');
    const file = join(this.dir, `${topic}.properties`);
    const tmp = `${file}.tmp`;
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(tmp, `# Kilgore topic config overrides for ${topic}\n${text}`);
    syncPath(tmp);
    renameSync(tmp, file);
    syncPath(this.dir);
    this.byTopic.set(topic, new Map(overrides));
  }

  delete(topic: string): void {
    this.byTopic.delete(topic);
    rmSync(join(this.dir, `${topic}.properties`), { force: true });
  }
}

/** Values are validated (numbers, names, lists), so only the escapes Java needs are written. */
function escapeValue(v: string): string {
  return v.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replace(/^ /, '\\ ');
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
