import {
  Broker,
  CloseConnection,
  type InterceptedRequest,
  type InterceptNext,
  loadConfig,
} from '@kilgore/broker';
import { ApiKey } from '@kilgore/protocol';
import { errorAnswer } from './error-answer.js';
import {
  type Fault,
  type FaultAction,
  type FaultDecider,
  FaultList,
  type FaultMatch,
  type FaultRequest,
} from './faults.js';
import { MemoryLogs } from './memory-logs.js';
import { apiName, type RecordedRequest, requestTopics } from './requests.js';
import { makeTempDir, removeTempDir } from './temp-dirs.js';
import { INTERNAL_CLIENT, sendRequest } from './wire.js';

interface CreateTopicsAnswer {
  topics: { name: string; errorCode: number; errorMessage: string | null }[];
}

export interface StartBrokerOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 0 (a free one, chosen by the OS). */
  port?: number;
  /**
   * Keep the data in this dir (Kafka's layout) and leave it there on stop, so a later
   * `startBroker({ dir })` finds it. Without it, a temp dir is used and removed on stop.
   */
  dir?: string;
  /**
   * Keep partition logs in memory (no log files; the small metadata dir still exists). Topic
   * configs are accepted and described, but storage settings such as retention do not apply.
   * Default false: logs on disk, in the temp dir, exactly as in production.
   */
  inMemory?: boolean;
  /** Broker settings by Kafka name (`num.partitions`, `auto.create.topics.enable`, ...), over the test defaults. */
  config?: Record<string, string | number | boolean>;
  /** Record every request in `broker.requests` (default true). */
  recordRequests?: boolean;
  /** pino level of the broker's own log; default `silent`. */
  logLevel?: string;
}

export interface CreateTopicOptions {
  /** Default 1. */
  partitions?: number;
  /** Topic configs (`cleanup.policy`, `retention.ms`, ...). */
  configs?: Record<string, string>;
}

/**
 * Defaults for tests: topics appear on first use, consumer groups rebalance at once and may use
 * short session timeouts. Names the broker does not know yet are ignored with a warning.
 */
const TEST_DEFAULTS: Record<string, string> = {
  'auto.create.topics.enable': 'true',
  'group.initial.rebalance.delay.ms': '0',
  'group.min.session.timeout.ms': '100',
  'logger.level': 'silent',
};

/** A running in-process broker. */
export class TestBroker implements AsyncDisposable {
  /** Requests received, oldest first (unless `recordRequests: false`). Clear with `requests.length = 0`. */
  readonly requests: RecordedRequest[] = [];
  private readonly faults = new FaultList();
  private stopped: Promise<void> | null = null;

  // Set right after construction: the node needs this object's interceptor to start.
  private node!: Broker;

  private constructor(
    private readonly opts: StartBrokerOptions,
    private readonly dataDir: string,
    private readonly memory: MemoryLogs | undefined,
  ) {}

  /** @internal use startBroker() */
  static async start(opts: StartBrokerOptions): Promise<TestBroker> {
    const dataDir = opts.dir ?? makeTempDir();
    try {
      const config = brokerConfig(opts, dataDir, opts.port ?? 0);
      const memory = opts.inMemory === true ? await MemoryLogs.open(config) : undefined;
      const tb: TestBroker = new TestBroker(opts, dataDir, memory);
      tb.node = await Broker.start({
        config,
        ...(memory ? { logs: memory } : {}),
        interceptor: tb.intercepted,
      });
      return tb;
    } catch (err) {
      if (opts.dir === undefined) removeTempDir(dataDir);
      throw err;
    }
  }

  /** `host:port` of the broker, for kafkajs' `brokers` and everyone's bootstrap list. */
  get bootstrapServers(): string[] {
    return [this.node.bootstrap];
  }

  /** The same list as `bootstrapServers`, under kafkajs' name. */
  get brokers(): string[] {
    return this.bootstrapServers;
  }

  private get host(): string {
    return this.node.listeners[0]!.host || '127.0.0.1';
  }

  get port(): number {
    return this.node.listeners[0]!.boundPort;
  }

  /** Where metadata (and with `dir`, the logs) live. */
  get dir(): string {
    return this.dataDir;
  }

  /** The broker itself, for what this API does not cover. */
  get broker(): Broker {
    return this.node;
  }

  /**
   * Creates a topic. It resolves once every partition is writable and readable: the logs are
   * created in process before it returns, so there is no "leader not available" window.
   */
  async createTopic(name: string, options: CreateTopicOptions = {}): Promise<void> {
    const partitions = options.partitions ?? 1;
    const configs = Object.entries(options.configs ?? {});
    if (configs.length === 0) {
      this.node.context.createTopic(name, partitions);
      return;
    }
    // Configs go through CreateTopics, so the broker validates them as it does for any client.
    const res = await sendRequest<CreateTopicsAnswer>(this.host, this.port, ApiKey.CreateTopics, 4, {
      topics: [
        {
          name,
          numPartitions: partitions,
          replicationFactor: -1,
          assignments: [],
          configs: configs.map(([k, v]) => ({ name: k, value: v })),
        },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    const t = res.topics[0];
    if (t === undefined || t.errorCode !== 0) {
      throw new Error(`createTopic(${name}) failed: error ${t?.errorCode} ${t?.errorMessage ?? ''}`.trim());
    }
  }

  async deleteTopic(name: string): Promise<void> {
    await this.node.context.deleteTopic(name);
  }

  /**
   * Adds a fault (or, with `{ observe: true }`, an observer) for matching requests: answer an
   * error code, delay, drop the connection, or answer a body of your own. Acts once by default;
   * `times: Infinity` keeps it until `remove()`. A function instead of an action decides per request.
   */
  intercept(match: FaultMatch, action: FaultAction | FaultDecider = { observe: true }): Fault {
    return this.faults.add(match, action);
  }

  /** Removes every fault and observer. */
  clearFaults(): void {
    this.faults.clear();
  }

  /**
   * Stops and starts the node again on the same port and data: connections drop, clients
   * reconnect, and what was written is still there (in memory too).
   */
  async restart(): Promise<void> {
    if (this.stopped) throw new Error('restart() after stop()');
    await this.node.stop();
    const config = brokerConfig(this.opts, this.dataDir, this.port);
    this.node = await Broker.start({
      config,
      ...(this.memory ? { logs: this.memory } : {}),
      interceptor: this.intercepted,
    });
  }

  /** Stops the broker, closes every connection, frees memory and removes the temp dir. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.faults.clear();
      await this.node.stop();
      await this.memory?.dispose();
      if (this.opts.dir === undefined) removeTempDir(this.dataDir);
    })();
    return this.stopped;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  private readonly byId = (id: string): string | undefined => this.node.context.topics.byId(id)?.name;

  private readonly intercepted = async (req: InterceptedRequest, next: InterceptNext): Promise<unknown> => {
    // The package's own admin requests (createTopic with configs) are neither recorded nor faulted.
    if (req.clientId === INTERNAL_CLIENT) return next(req.body);
    const record = this.opts.recordRequests !== false;
    if (!record && this.faults.size === 0) return next(req.body);
    const seen: FaultRequest = {
      apiKey: req.apiKey,
      apiName: apiName(req.apiKey),
      apiVersion: req.apiVersion,
      clientId: req.clientId,
      correlationId: req.correlationId,
      topics: requestTopics(req.body, this.byId),
      body: req.body,
    };
    if (record) {
      const { body: _body, ...recorded } = seen;
      this.requests.push(recorded);
    }
    const decided = this.faults.size === 0 ? undefined : this.faults.decide(seen);
    if (decided === undefined) return next(req.body);
    const { action, rule } = decided;
    if ('error' in action) {
      return errorAnswer(req.apiKey, req.body, rule.match, action.error, next, this.byId);
    }
    if ('delayMs' in action) {
      await new Promise((r) => setTimeout(r, action.delayMs));
      return next(req.body);
    }
    if ('drop' in action) {
      if (action.drop === 'after') await next(req.body);
      throw new CloseConnection(`fault injected: drop ${action.drop} ${seen.apiName}`);
    }
    if ('respond' in action) return action.respond(seen);
    return next(req.body);
  };
}

function brokerConfig(opts: StartBrokerOptions, dir: string, port: number) {
  const host = opts.host ?? '127.0.0.1';
  const flags: Record<string, string> = { ...TEST_DEFAULTS };
  if (opts.logLevel !== undefined) flags['logger.level'] = opts.logLevel;
  for (const [k, v] of Object.entries(opts.config ?? {})) flags[k] = String(v);
  flags.listeners = `PLAINTEXT://${host.includes(':') ? `[${host}]` : host}:${port}`;
  flags['log.dirs'] = dir;
  return loadConfig({ flags }).config;
}

/** Starts a broker in this process; resolves once it accepts requests. */
export function startBroker(options: StartBrokerOptions = {}): Promise<TestBroker> {
  return TestBroker.start(options);
}
