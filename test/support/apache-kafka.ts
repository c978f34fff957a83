/**
 * A real Apache Kafka broker for tests and benches: Apache Kafka's own jars (fetched by
 * scripts/fetch-kafka.sh into ~/.cache/kilgore/kafka-<version>/lib, outside git), run by the JVM on
 * this machine in KRaft mode, each node a combined broker+controller, on free loopback ports, in a
 * temp dir. No ZooKeeper, no scripts from a Kafka tarball: `java -cp '<lib>/*' kafka.Kafka <props>`
 * after `kafka.tools.StorageTool format`, as bin/kafka-server-start.sh and bin/kafka-storage.sh do.
 *
 *   const kafka = await startApacheKafka();               // one node
 *   kafka.bootstrap                                         // '127.0.0.1:<port>'
 *   kafka.logDir                                            // node 0's log.dirs (topic-partition dirs)
 *   await kafka.stop();                                     // SIGTERM (clean shutdown), SIGKILL after 20 s
 *
 *   const trio = await startApacheKafka({ nodes: 3, serverProperties: { 'min.insync.replicas': 2 } });
 *   trio.nodes[1].kill();                                   // SIGKILL one node (a crash)
 *
 *   const r = await runKafkaClass('kafka.tools.DumpLogSegments', ['--files', seg]);
 *   r.code, r.stdout, r.stderr                              // a tool's main class, output captured
 *
 * API
 * - `kafkaLib()`: the directory of Kafka's jars; throws, naming `bash scripts/install-test-tools.sh`,
 *   when the cache is missing or incomplete. It never downloads (scripts/fetch-kafka.sh does).
 * - `startApacheKafka(options)`: resolves once every node accepts connections and answers Metadata
 *   listing all `nodes` brokers. Options: `nodes` (1 or 3), `serverProperties` (added to, and
 *   overriding, the generated server.properties of every node), `dir` (root dir; default: a temp dir,
 *   removed after the test file under vitest), `jvm` ('quick-start', the default: C1 only, CDS,
 *   serial GC, -Xmx512m; 'kafka-defaults': the heap and G1 flags of bin/kafka-server-start.sh, for
 *   benches that compare throughput), `jvmFlags` (appended), `startTimeoutMs`.
 * - The handle: `bootstrap`, `nodes[i]` (`nodeId`, `port`, `controllerPort`, `logDir`, `pid`,
 *   `properties` path, `running`, `stop()`, `kill()`), `logDir` (= nodes[0].logDir), `clusterId`,
 *   `dir`, `log()` (the nodes' recent stderr/stdout, for failure messages), `stop()` and `kill()`
 *   for all nodes, `restart()` (starts stopped nodes again on their dirs and ports). Stopping
 *   keeps the files (tests copy segments out of a stopped Kafka);
 *   `stop({ removeFiles: true })` deletes `dir` as well. Stopping all nodes together takes a few
 *   seconds (3 nodes: ~6 s here); nodes that lost their KRaft majority (a node killed first) wait
 *   out the SIGKILL timeout (20 s; `timeoutMs` shortens it).
 * - Start-up on this 2-core machine: one node ~6 s (storage format included), three ~20-35 s.
 * - `runKafkaClass(mainClass, args, options)`: runs one tool main class (kafka.tools.DumpLogSegments,
 *   org.apache.kafka.tools.GetOffsetShell, ...) with quick-start JVM flags and the quiet log4j2
 *   config; resolves `{ code, stdout, stderr }` whatever the exit code (assert on it), rejects only
 *   when java cannot start or the timeout (default 120 s) passes.
 *
 * Logging: test/clients/java/log4j2-quiet.properties (warnings and errors to stderr, kept in a ring
 * buffer and shown by `log()`); KILGORE_JAVA_LOG=info raises the level. Every JVM this module
 * started is SIGKILLed if the Node process exits first.
 *
 * Node built-ins only (no @kilgore/* import), so a bench run outside vitest can use it as it is.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const install =
  'run bash scripts/install-test-tools.sh (it fetches them with Maven; needs a JDK 17+ and mvn)';

/** The quiet log4j2 config shared with the Java compatibility tests. */
export const kafkaLog4jConfig = join(root, 'test/clients/java/log4j2-quiet.properties');

/** JVM flags that start fast (C1 only, the CDS archive, the serial collector, a small heap). */
export const quickStartJvmFlags = [
  '-Xmx512m',
  '-XX:TieredStopAtLevel=1',
  '-Xshare:auto',
  '-XX:+UseSerialGC',
  '-Djava.awt.headless=true',
];

/** What bin/kafka-server-start.sh and bin/kafka-run-class.sh give a broker (Kafka 4.1). */
export const kafkaDefaultJvmFlags = [
  '-Xmx1G',
  '-Xms1G',
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:MaxInlineLevel=15',
  '-Djava.awt.headless=true',
];

/** The Kafka version pinned in test/clients/java/kafka-jars.pom.xml. */
export function kafkaVersion(): string {
  const pom = readFileSync(join(root, 'test/clients/java/kafka-jars.pom.xml'), 'utf8');
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  if (version === undefined) throw new Error('test/clients/java/kafka-jars.pom.xml names no <kafka.version>');
  return version;
}

let lib: string | undefined;

/** The directory of Apache Kafka's jars in the cache; throws saying how to fetch them. */
export function kafkaLib(): string {
  if (lib !== undefined) return lib;
  const cache = process.env.KILGORE_CACHE ?? join(homedir(), '.cache/kilgore');
  const home = join(cache, `kafka-${kafkaVersion()}`);
  const dir = join(home, 'lib');
  const jars = existsSync(dir) ? readdirSync(dir) : [];
  for (const wanted of ['kafka_2.13-', 'kafka-tools-', 'kafka-clients-', 'log4j-core-']) {
    if (
      !existsSync(join(home, '.complete')) ||
      !jars.some((j) => j.startsWith(wanted) && j.endsWith('.jar'))
    ) {
      throw new Error(`Apache Kafka's jars are not in ${dir} (no ${wanted}*.jar): ${install}`);
    }
  }
  lib = dir;
  return dir;
}

// Every JVM started here; killed if this process exits before stopping them.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function javaSpawn(flags: string[], mainClass: string, args: string[]): ChildProcess {
  const child = spawn(
    'java',
    [
      ...flags,
      `-Dlog4j2.configurationFile=${kafkaLog4jConfig}`,
      `-Dkilgore.java.log=${process.env.KILGORE_JAVA_LOG ?? 'warn'}`,
      '-cp',
      `${kafkaLib()}/*`,
      mainClass,
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

function javaMissing(err: Error): Error {
  return (err as NodeJS.ErrnoException).code === 'ENOENT'
    ? new Error('java not found on PATH: install a JDK 17+ (Debian: openjdk-17-jdk-headless)')
    : err;
}

export interface KafkaClassResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a Kafka main class to its end; resolves its exit code and output (never throws on a non-zero exit). */
export function runKafkaClass(
  mainClass: string,
  args: string[],
  { timeoutMs = 120_000, jvmFlags = [] }: { timeoutMs?: number; jvmFlags?: string[] } = {},
): Promise<KafkaClassResult> {
  return new Promise((resolve, reject) => {
    const child = javaSpawn([...quickStartJvmFlags, ...jvmFlags], mainClass, args);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${mainClass} ${args.join(' ')}: still running after ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(javaMissing(e));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

export type ServerProperties = Record<string, string | number | boolean>;

export interface ApacheKafkaOptions {
  /** 1 (default) or 3 nodes, each broker+controller; three make a KRaft quorum of three voters. */
  nodes?: 1 | 3;
  /** Added to every node's server.properties, overriding the generated lines. */
  serverProperties?: ServerProperties;
  /** Root dir for the nodes' dirs; default a fresh temp dir. */
  dir?: string;
  /** 'quick-start' (default) for tests, 'kafka-defaults' for throughput comparisons. */
  jvm?: 'quick-start' | 'kafka-defaults';
  /** Extra JVM flags, after the profile's. */
  jvmFlags?: string[];
  /** How long to wait for every node to answer Metadata (default 90 s). */
  startTimeoutMs?: number;
}

export interface ApacheKafkaNode {
  readonly nodeId: number;
  /** The PLAINTEXT listener on 127.0.0.1. */
  readonly port: number;
  readonly controllerPort: number;
  /** `log.dirs` (one dir): `<topic>-<partition>` dirs, checkpoints, meta.properties. */
  readonly logDir: string;
  /** The server.properties file the node runs with. */
  readonly properties: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** SIGTERM (controlled shutdown, clean segments), SIGKILL after `timeoutMs` (default 20 s). */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL now, as a crash; resolves once the process is gone. */
  kill(): Promise<void>;
}

export interface ApacheKafka {
  /** `127.0.0.1:<port>[,...]` of every node. */
  readonly bootstrap: string;
  readonly nodes: readonly ApacheKafkaNode[];
  /** nodes[0].logDir. */
  readonly logDir: string;
  readonly clusterId: string;
  readonly dir: string;
  /** The nodes' recent output (warnings and errors with the default log level). */
  log(): string;
  /** Stops every node (in parallel); the files stay unless `removeFiles`. */
  stop(options?: { removeFiles?: boolean; timeoutMs?: number }): Promise<void>;
  /** SIGKILLs every node. */
  kill(): Promise<void>;
  /**
   * Starts the stopped (or killed) nodes again on the same dirs and ports, and waits as
   * startApacheKafka does. A restart makes KRaft elect the partition leaders anew (leader epoch + 1).
   */
  restart(): Promise<void>;
}

/** A port free on 127.0.0.1 right now (the kernel's pick). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A Kafka Uuid string (base64url of 16 random bytes, no padding), as `kafka-storage random-uuid` prints. */
function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function propertiesText(props: ServerProperties): string {
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

async function makeTempRoot(): Promise<string> {
  if (process.env.VITEST) {
    // Removed after the importing test file (test/support/temp-dir.ts registers the hook).
    const { tempDir } = await import('./temp-dir.js');
    return tempDir('apache-kafka-');
  }
  return mkdtempSync(join(tmpdir(), 'apache-kafka-'));
}

/**
 * Sends Metadata v4 (no topics) and resolves the broker ids of the answer. Hand-encoded so this
 * module needs no @kilgore package: header v1 (api key, version, correlation id, client id), body
 * (topics: empty array, allow_auto_topic_creation: false); the answer starts with correlation id,
 * throttle_time_ms, then the brokers array (node_id, host, port, rack).
 */
export function metadataBrokerIds(port: number, host = '127.0.0.1', timeoutMs = 3000): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const clientId = Buffer.from('kilgore-apache-kafka');
    const req = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length + 4 + 1);
    let o = req.writeInt32BE(req.length - 4, 0);
    o = req.writeInt16BE(3, o);
    o = req.writeInt16BE(4, o);
    o = req.writeInt32BE(1, o);
    o = req.writeInt16BE(clientId.length, o);
    o += clientId.copy(req, o);
    o = req.writeInt32BE(0, o);
    req.writeInt8(0, o);
    const socket = connect({ host, port });
    let got = Buffer.alloc(0);
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(new Error(`${host}:${port}: no Metadata answer in ${timeoutMs} ms`)),
    );
    socket.once('error', fail);
    socket.once('close', () => reject(new Error(`${host}:${port}: closed before the Metadata answer`)));
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length < 4 || got.length < 4 + got.readInt32BE(0)) return;
      socket.destroy();
      try {
        let p = 4 + 4 + 4; // size, correlation id, throttle_time_ms
        const count = got.readInt32BE(p);
        p += 4;
        const ids: number[] = [];
        for (let i = 0; i < count; i++) {
          ids.push(got.readInt32BE(p));
          p += 4;
          p += 2 + got.readInt16BE(p); // host
          p += 4; // port
          const rack = got.readInt16BE(p);
          p += 2 + Math.max(rack, 0);
        }
        resolve(ids.sort((a, b) => a - b));
      } catch (err) {
        reject(err as Error);
      }
    });
    socket.write(req);
  });
}

class Node implements ApacheKafkaNode {
  child: ChildProcess | undefined;
  output = '';
  exited: Promise<void> = Promise.resolve();

  constructor(
    readonly nodeId: number,
    readonly port: number,
    readonly controllerPort: number,
    readonly logDir: string,
    readonly properties: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(flags: string[]): void {
    const child = javaSpawn(flags, 'kafka.Kafka', [this.properties]);
    this.child = child;
    const keep = (b: Buffer) => {
      this.output = (this.output + b.toString('utf8')).slice(-30_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.once('error', (e) => {
        this.output += `\n${javaMissing(e).message}`;
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.output += `\n[node ${this.nodeId} exited: ${signal ?? `code ${code}`}]`;
        resolve();
      });
    });
  }

  async stop(timeoutMs = 20_000): Promise<void> {
    if (!this.running) return this.exited;
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  async kill(): Promise<void> {
    if (this.running) this.child!.kill('SIGKILL');
    await this.exited;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until every node answers Metadata listing every broker; kills them all and throws if one exits or time runs out. */
async function waitReady(handle: ApacheKafka, nodes: Node[], timeoutMs: number): Promise<void> {
  const expected = nodes.map((n) => n.nodeId);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (const n of nodes) {
    for (;;) {
      if (!n.running) {
        await handle.kill();
        throw new Error(`Apache Kafka node ${n.nodeId} exited while starting:\n${handle.log()}`);
      }
      try {
        const ids = await metadataBrokerIds(n.port);
        if (ids.join() === expected.join()) break;
        last = `brokers [${ids}] of [${expected}]`;
      } catch (err) {
        last = (err as Error).message;
      }
      if (Date.now() > deadline) {
        await handle.kill();
        throw new Error(`Apache Kafka node ${n.nodeId} not ready (${last}):\n${handle.log()}`);
      }
      await sleep(200);
    }
  }
}

/** Formats each node's storage and starts the nodes; resolves when all of them answer Metadata with every broker. */
export async function startApacheKafka(options: ApacheKafkaOptions = {}): Promise<ApacheKafka> {
  const count = options.nodes ?? 1;
  if (count !== 1 && count !== 3) throw new Error(`startApacheKafka: nodes must be 1 or 3, not ${count}`);
  kafkaLib(); // fail early, with the install hint
  const dir = options.dir ?? (await makeTempRoot());
  mkdirSync(dir, { recursive: true });
  const clusterId = randomClusterId();
  const ports: { port: number; controllerPort: number }[] = [];
  for (let i = 0; i < count; i++) ports.push({ port: await freePort(), controllerPort: await freePort() });
  const voters = ports.map((p, i) => `${i + 1}@127.0.0.1:${p.controllerPort}`).join(',');
  const replication = Math.min(count, 3);

  const nodes = ports.map(({ port, controllerPort }, i) => {
    const nodeId = i + 1;
    const nodeDir = join(dir, `node-${nodeId}`);
    const logDir = join(nodeDir, 'data');
    mkdirSync(logDir, { recursive: true });
    const properties = join(nodeDir, 'server.properties');
    writeFileSync(
      properties,
      propertiesText({
        'process.roles': 'broker,controller',
        'node.id': nodeId,
        'controller.quorum.voters': voters,
        listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
        'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
        'controller.listener.names': 'CONTROLLER',
        'inter.broker.listener.name': 'PLAINTEXT',
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'log.dirs': logDir,
        'num.partitions': 1,
        'default.replication.factor': 1,
        'offsets.topic.replication.factor': replication,
        'offsets.topic.num.partitions': 1,
        'transaction.state.log.replication.factor': replication,
        'transaction.state.log.min.isr': Math.min(replication, 2),
        'share.coordinator.state.topic.replication.factor': replication,
        'share.coordinator.state.topic.min.isr': Math.min(replication, 2),
        'group.initial.rebalance.delay.ms': 0,
        'num.network.threads': 2,
        'num.io.threads': 4,
        ...options.serverProperties,
      }),
    );
    return new Node(nodeId, port, controllerPort, logDir, properties);
  });

  // bin/kafka-storage.sh format -t <id> -c <props>: writes meta.properties and the bootstrap
  // checkpoint. With a static quorum (controller.quorum.voters) no --standalone is needed.
  const formats = await Promise.all(
    nodes.map((n) =>
      runKafkaClass('kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', n.properties]),
    ),
  );
  formats.forEach((r, i) => {
    if (r.code !== 0) {
      throw new Error(
        `kafka-storage format of node ${i + 1} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`,
      );
    }
  });

  const flags = [
    ...(options.jvm === 'kafka-defaults' ? kafkaDefaultJvmFlags : quickStartJvmFlags),
    ...(options.jvmFlags ?? []),
  ];
  const launch = () => {
    for (const n of nodes) {
      if (!n.running) n.start([...flags, `-Dkafka.logs.dir=${join(dir, `node-${n.nodeId}`, 'logs')}`]);
    }
  };

  const handle: ApacheKafka = {
    bootstrap: nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
    nodes,
    logDir: nodes[0]!.logDir,
    clusterId,
    dir,
    log: () => nodes.map((n) => `--- Apache Kafka node ${n.nodeId} ---\n${n.output}`).join('\n'),
    async stop({ removeFiles = false, timeoutMs }: { removeFiles?: boolean; timeoutMs?: number } = {}) {
      await Promise.all(nodes.map((n) => n.stop(timeoutMs)));
      if (removeFiles) rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      await Promise.all(nodes.map((n) => n.kill()));
    },
    async restart() {
      launch();
      await waitReady(handle, nodes, options.startTimeoutMs ?? 90_000);
    },
  };
  launch();
  await waitReady(handle, nodes, options.startTimeoutMs ?? 90_000);
  return handle;
}
