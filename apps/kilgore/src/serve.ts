import { readFileSync } from 'node:fs';
import {
  Broker,
  CONFIG_DEFS,
  type ConfigDef,
  ConfigError,
  flagName,
  loadConfig,
  MetaPropertiesError,
  tuneHeapForBrokerTraffic,
} from '@kilgore/broker';
import { type HttpConfig, HttpServer, httpConfigFrom } from '@kilgore/http';
import { type IngestConfig, IngestServer, ingestConfigFrom } from '@kilgore/ingest';
import { Command, Option } from 'commander';
import { createLogger } from './logger.js';
import { reloadOnSighup } from './reload.js';
import { srvMembership } from './srv-membership.js';

/** `kilgore serve`: one flag per Kafka broker setting (and synonym), plus `--config`. */
export function serveCommand(): Command {
  const cmd = new Command('serve')
    .description('Start a broker. Settings: flags > KILGORE_* environment > --config file > defaults.')
    .option('-c, --config <file>', 'a Kafka server.properties file');
  const flagToSetting = new Map<string, string>();
  for (const def of CONFIG_DEFS) {
    for (const name of [def.name, ...(def.synonyms ?? []).map((s) => s.name)]) {
      const option = settingOption(def, name);
      cmd.addOption(option);
      flagToSetting.set(option.attributeName(), name);
    }
  }
  cmd.action(async (opts: Record<string, string | boolean | undefined>) => {
    const flags = new Map<string, string>();
    for (const [attr, value] of Object.entries(opts)) {
      const setting = flagToSetting.get(attr);
      if (setting !== undefined && value !== undefined) flags.set(setting, String(value));
    }
    await serve(flags, typeof opts.config === 'string' ? opts.config : undefined);
  });
  return cmd;
}

function settingOption(def: ConfigDef, name: string): Option {
  const flag = `--${flagName(name)}`;
  const doc = name === def.name ? def.doc : `synonym of --${flagName(def.name)}`;
  const suffix = def.default === null || name !== def.name ? '' : ` (default: ${def.default})`;
  // Booleans take an optional value so both `--auto-create-topics-enable` and `... false` work.
  const option =
    def.type === 'boolean'
      ? new Option(`${flag} [true|false]`, doc + suffix)
      : new Option(`${flag} <value>`, doc + suffix);
  return option;
}

async function serve(flags: Map<string, string>, configFile: string | undefined): Promise<void> {
  let loaded: ReturnType<typeof loadConfig>;
  try {
    const file =
      configFile === undefined ? undefined : { path: configFile, text: readConfigFile(configFile) };
    loaded = loadConfig({ flags, env: process.env, file });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ConfigFileError) {
      process.stderr.write(`kilgore: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const { config, warnings } = loaded;
  const log = createLogger(config.loggerLevel);
  for (const w of warnings) log.warn(w);
  // Membership from DNS SRV records (kilgore.chain.srv / kilgore.cluster.srv), if configured.
  let membership: ReturnType<typeof srvMembership>;
  let ingestConfig: IngestConfig | null;
  let httpConfig: HttpConfig | null;
  try {
    ingestConfig = ingestConfigFrom(config);
    httpConfig = httpConfigFrom(config);
    membership = srvMembership(config, log);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`kilgore: ${err.message}\n`);
    process.exit(2);
  }

  // This process is the broker: fewer back-to-back full GCs under traffic (src/heap-tuning.ts).
  tuneHeapForBrokerTraffic();
  let broker: Broker;
  try {
    broker = await Broker.start({ config, log, membership });
  } catch (err) {
    const message =
      err instanceof MetaPropertiesError
        ? err.message
        : isListenError(err)
          ? `listeners: cannot listen on ${err.address ?? ''}:${err.port ?? ''}: ${err.code}`
          : String(err);
    log.fatal({ err }, message);
    process.stderr.write(`kilgore: ${message}\n`);
    process.exit(1);
  }
  // The unix-socket ingest (kilgore.ingest.socket), off unless set.
  let ingest: IngestServer | undefined;
  if (ingestConfig) {
    try {
      ingest = await IngestServer.start(broker, ingestConfig, log);
    } catch (err) {
      log.fatal({ err }, String(err));
      process.stderr.write(`kilgore: ${(err as Error).message}\n`);
      await broker.stop();
      process.exit(1);
    }
  }
  // The HTTP interface (kilgore.http.listeners), off unless set.
  let http: HttpServer | undefined;
  if (httpConfig) {
    try {
      http = await HttpServer.start(broker, httpConfig, log);
    } catch (err) {
      log.fatal({ err }, String(err));
      process.stderr.write(`kilgore: ${(err as Error).message}\n`);
      await ingest?.stop();
      await broker.stop();
      process.exit(1);
    }
  }

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    log.info({ signal }, 'shutting down');
    // HTTP and the ingest first: HTTP's tails and long polls end, and the ingest's open batches
    // are appended, before the broker closes the logs.
    Promise.all([http?.stop(), ingest?.stop()])
      .then(() => broker.stop())
      .then(() => membership?.stop())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.fatal({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // SIGHUP asks DNS again at once (instead of at the end of the TTL).
  if (membership) process.on('SIGHUP', () => void membership?.refreshNow());
  // Otherwise SIGHUP re-reads the configuration: a changed kilgore.chains is a membership change.
  else reloadOnSighup(config, flags, configFile, broker, log);
  // From here on the signals above are handled (before, SIGHUP's default action ends the process):
  // a supervisor, or a test, can wait for this line before sending one.
  log.info({ pid: process.pid }, 'kilgore serve: signal handlers installed');
}

class ConfigFileError extends Error {}

function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigFileError(`--config ${path}: ${(err as Error).message}`);
  }
}

interface ListenError {
  code: string;
  address?: string;
  port?: number;
}

function isListenError(err: unknown): err is ListenError {
  return typeof err === 'object' && err !== null && (err as { syscall?: string }).syscall === 'listen';
}
