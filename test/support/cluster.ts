import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MetadataResponse } from '@kilgore/protocol';
import { type Address, metadata } from './wire.js';

/**
 * Kilgore nodes as separate OS processes (`node apps/kilgore/dist/main.js serve`), the way a
 * chain runs in production: each on its own loopback address (127.0.0.1, .2, .3) and port, with
 * its own log dir and its own `--config` file holding `kilgore.chains`, so a test changes the
 * membership by rewriting the files and sending SIGHUP. Nodes can be killed (-9), stopped
 * (SIGTERM) and restarted on the same disk or an empty one. Everything a node prints is kept
 * (across restarts) for the failure message.
 */

/** The built CLI; `pnpm test` (or `npx tsc -b`) produces it. */
export const KILGORE_MAIN = fileURLToPath(new URL('../../apps/kilgore/dist/main.js', import.meta.url));

/** A chain as a test names it: members by node id, head first. */
export interface ChainSpec {
  name: string;
  nodes: number[];
}

export interface ClusterOptions {
  chains: ChainSpec[];
  /** Extra broker settings for every node's config file (e.g. num.partitions). */
  settings?: Record<string, string>;
  /** false: leave kilgore.chains out, so each node is a plain single broker (a baseline). */
  replication?: boolean;
  /** How to tell a node is up (default: it answers Metadata on a plain connection). */
  probe?: (address: Address) => Promise<unknown>;
}

/** Keep at most this much of a node's output (the tail is what explains a failure). */
const MAX_OUTPUT = 400_000;
const READY_TIMEOUT_MS = 30_000;

/** Every node process any cluster started, so a crashed test run does not leave brokers behind. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export class ClusterNode {
  child: ChildProcess | undefined;
  private exitedPromise: Promise<void> = Promise.resolve();
  private out = '';
  /** How many times this node has been started. */
  starts = 0;
  /** How the last run ended (undefined while it runs or before the first start). */
  lastExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** ClusterOptions.probe: how waitReady tells the node is up (secured listeners need their own). */
  probe: ((address: Address) => Promise<unknown>) | undefined;

  constructor(
    readonly nodeId: number,
    readonly host: string,
    public port: number,
    readonly dir: string,
  ) {}

  get logDir(): string {
    return join(this.dir, 'data');
  }
  get configPath(): string {
    return join(this.dir, 'server.properties');
  }
  get address(): Address {
    return { host: this.host, port: this.port };
  }
  /** `host:port`, as kafkajs takes a broker. */
  get bootstrap(): string {
    return `${this.host}:${this.port}`;
  }
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }
  get output(): string {
    return this.out;
  }

  note(line: string): void {
    this.append(`--- ${new Date().toISOString()} ${line}\n`);
  }

  private append(text: string): void {
    // All of it in the node's folder too (kept when a test fails): the tail in memory is cut.
    try {
      appendFileSync(join(this.dir, 'output.log'), text);
    } catch {
      // The cluster's folder is gone (closed while the process was still printing).
    }
    this.out += text;
    if (this.out.length > MAX_OUTPUT) this.out = this.out.slice(-MAX_OUTPUT);
  }

  spawn(): void {
    if (!existsSync(KILGORE_MAIN)) {
      throw new Error(`${KILGORE_MAIN} is missing: build first (npx tsc -b, or pnpm test which builds)`);
    }
    mkdirSync(this.logDir, { recursive: true });
    this.starts++;
    this.lastExit = undefined;
    this.note(`start #${this.starts} of node ${this.nodeId} on ${this.bootstrap}`);
    const child = spawn(
      process.execPath,
      [
        KILGORE_MAIN,
        'serve',
        '--node-id',
        String(this.nodeId),
        '--listeners',
        `PLAINTEXT://${this.host}:${this.port}`,
        '--log-dir',
        this.logDir,
        '--config',
        this.configPath,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    live.add(child);
    child.stdout?.on('data', (d: Buffer) => this.append(d.toString()));
    child.stderr?.on('data', (d: Buffer) => this.append(d.toString()));
    this.exitedPromise = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        live.delete(child);
        this.lastExit = { code, signal };
        this.note(`node ${this.nodeId} exited (code ${code}, signal ${signal})`);
        resolve();
      }),
    );
    this.child = child;
  }

  /** Sends the signal and waits for the process to be gone. */
  async signal(sig: NodeJS.Signals, timeoutMs = 20_000): Promise<void> {
    if (!this.running) return;
    this.note(`sending ${sig}`);
    this.child!.kill(sig);
    if (sig === 'SIGHUP') return;
    const timer = setTimeout(() => {
      this.note(`still running ${timeoutMs} ms after ${sig}: SIGKILL`);
      this.child?.kill('SIGKILL');
    }, timeoutMs);
    await this.exitedPromise;
    clearTimeout(timer);
  }

  /** Waits until the node answers Metadata (or throws with its output if it exits or times out). */
  async waitReady(timeoutMs = READY_TIMEOUT_MS): Promise<MetadataResponse> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      if (!this.running) throw new Error(`node ${this.nodeId} exited while starting:\n${this.tail()}`);
      try {
        if (this.probe) {
          await this.probe(this.address);
          return { brokers: [], topics: [] } as unknown as MetadataResponse;
        }
        return await metadata(this.address, []);
      } catch (err) {
        last = err;
      }
      if (Date.now() > deadline)
        throw new Error(
          `node ${this.nodeId} did not answer Metadata in ${timeoutMs} ms (${String(last)}):\n${this.tail()}`,
        );
      await sleep(100);
    }
  }

  tail(chars = 6000): string {
    return this.out.length <= chars ? this.out : `...${this.out.slice(-chars)}`;
  }
}

export class ChainCluster {
  readonly nodes = new Map<number, ClusterNode>();
  private chains: ChainSpec[];
  private kept = false;

  private constructor(
    readonly root: string,
    chains: ChainSpec[],
    private readonly settings: Record<string, string>,
    private readonly replication: boolean,
  ) {
    this.chains = chains;
  }

  /**
   * Starts every node named in the chains and waits until each answers Metadata. A node's host
   * is 127.0.0.1, .2, .3 by its position in its chain; ports are free ones, picked again (for
   * the whole cluster) if a node finds its port taken meanwhile.
   */
  static async start(options: ClusterOptions): Promise<ChainCluster> {
    const root = mkdtempSync(join(tmpdir(), 'kilgore-chain-'));
    const settings = { 'logger.level': process.env.KILGORE_TEST_LOG ?? 'info', ...options.settings };
    const cluster = new ChainCluster(root, options.chains, settings, options.replication ?? true);
    const seen = new Set<number>();
    for (const chain of options.chains) {
      chain.nodes.forEach((id, i) => {
        if (seen.has(id)) throw new Error(`node ${id} is in two chains`);
        seen.add(id);
        const dir = join(root, `node-${id}`);
        mkdirSync(dir, { recursive: true });
        const node = new ClusterNode(id, `127.0.0.${(i % 3) + 1}`, 0, dir);
        node.probe = options.probe;
        cluster.nodes.set(id, node);
      });
    }
    for (let attempt = 1; ; attempt++) {
      for (const node of cluster.nodes.values()) node.port = await freePort(node.host);
      cluster.writeConfigs();
      for (const node of cluster.nodes.values()) node.spawn();
      try {
        await Promise.all([...cluster.nodes.values()].map((n) => n.waitReady()));
        return cluster;
      } catch (err) {
        const taken = [...cluster.nodes.values()].some((n) => n.output.includes('EADDRINUSE'));
        await Promise.all([...cluster.nodes.values()].map((n) => n.signal('SIGKILL')));
        if (!taken || attempt >= 3) {
          // Kept for a post-mortem like a failed test's, so say where.
          cluster.close(true);
          console.error(`chain cluster did not start; node directories kept in ${root}`);
          throw err;
        }
        for (const n of cluster.nodes.values()) {
          n.note('a port was taken: starting the cluster again on new ports');
          rmSync(n.logDir, { recursive: true, force: true });
        }
      }
    }
  }

  /**
   * A new node, not started and in no chain yet: name it in setMembership, then restart() it
   * (a node refuses to start when its id is in no chain).
   */
  async addNode(nodeId: number, host: string): Promise<ClusterNode> {
    if (this.nodes.has(nodeId)) throw new Error(`node ${nodeId} already exists`);
    const dir = join(this.root, `node-${nodeId}`);
    mkdirSync(dir, { recursive: true });
    const node = new ClusterNode(nodeId, host, await freePort(host), dir);
    this.nodes.set(nodeId, node);
    return node;
  }

  node(id: number): ClusterNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id} in this cluster`);
    return n;
  }

  /** Every node as kafkajs takes its brokers. */
  get bootstrap(): string[] {
    return [...this.nodes.values()].map((n) => n.bootstrap);
  }

  /** The membership now, as `kilgore.chains` spells it: `a=1@127.0.0.1:9092,2@...;b=...`. */
  get chainsSetting(): string {
    return this.chains
      .map((c) => `${c.name}=${c.nodes.map((id) => `${id}@${this.node(id).bootstrap}`).join(',')}`)
      .join(';');
  }

  get membership(): ChainSpec[] {
    return this.chains.map((c) => ({ name: c.name, nodes: [...c.nodes] }));
  }

  private writeConfigs(): void {
    const lines = [
      '# written by test/support/cluster.ts; rewritten (then SIGHUP) when the membership changes',
      ...Object.entries(this.settings).map(([k, v]) => `${k}=${v}`),
      ...(this.replication ? [`kilgore.chains=${this.chainsSetting}`] : []),
      '',
    ];
    for (const node of this.nodes.values()) writeFileSync(node.configPath, lines.join('\n'));
  }

  /**
   * A new membership: every node's config file is rewritten and every running node gets SIGHUP.
   * Nodes left out of every chain keep running (and keep their file up to date too).
   */
  setMembership(chains: ChainSpec[], options: { sighup?: boolean } = {}): void {
    for (const c of chains) for (const id of c.nodes) this.node(id);
    this.chains = chains.map((c) => ({ name: c.name, nodes: [...c.nodes] }));
    this.writeConfigs();
    for (const node of this.nodes.values()) {
      node.note(
        `membership now ${this.chainsSetting}${options.sighup === false ? ' (file only, no SIGHUP yet)' : ''}`,
      );
      if (options.sighup !== false && node.running) node.child!.kill('SIGHUP');
    }
  }

  /**
   * SIGSTOP: the process freezes with its sockets open (peers' connections stay up, requests
   * queue in the kernel), as a node stuck in a long GC pause or a VM migration; resume() thaws it.
   */
  pause(id: number): void {
    const node = this.node(id);
    node.note('sending SIGSTOP');
    node.child?.kill('SIGSTOP');
  }

  resume(id: number): void {
    const node = this.node(id);
    node.note('sending SIGCONT');
    node.child?.kill('SIGCONT');
  }

  /** SIGHUP to one node: it re-reads its config file (as rewritten by setMembership). */
  reload(id: number): void {
    const node = this.node(id);
    node.note('sending SIGHUP');
    if (node.running) node.child!.kill('SIGHUP');
  }

  /** kill -9: no shutdown, no flush; what is on disk is what the kernel had. */
  kill(id: number): Promise<void> {
    return this.node(id).signal('SIGKILL');
  }

  /** SIGTERM: a clean shutdown (flush, checkpoints, clean-shutdown marker). */
  stop(id: number): Promise<void> {
    return this.node(id).signal('SIGTERM');
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.signal('SIGTERM')));
  }

  /** Starts a stopped node on its address, with its disk or (emptyDisk) none, and waits for Metadata. */
  async restart(id: number, options: { emptyDisk?: boolean } = {}): Promise<void> {
    const node = this.node(id);
    if (node.running) throw new Error(`node ${id} is still running`);
    if (options.emptyDisk) {
      node.note('wiping the log dir');
      rmSync(node.logDir, { recursive: true, force: true });
    }
    node.spawn();
    await node.waitReady();
  }

  /** Metadata from one node (all topics unless named). */
  metadataFrom(id: number, topics?: string[]): Promise<MetadataResponse> {
    return metadata(this.node(id).address, topics);
  }

  /** The tail of every node's output, for a failure message. */
  outputs(chars = 6000): string {
    return [...this.nodes.values()]
      .map(
        (n) =>
          `===== node ${n.nodeId} (${n.bootstrap}; all of it in ${join(n.dir, 'output.log')}) =====\n${n.tail(chars)}`,
      )
      .join('\n');
  }

  /** Keep the directories (logs, configs) for a post-mortem instead of deleting them at close. */
  keep(): void {
    this.kept = true;
  }

  /** Kills whatever still runs and deletes the directories (unless kept or `keepFiles`). */
  close(keepFiles = false): void {
    for (const node of this.nodes.values()) if (node.running) node.child!.kill('SIGKILL');
    if (keepFiles || this.kept) return;
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A port free on `host` right now (the kernel's pick; a node may still lose it to a race). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` until it returns a value (not undefined) or the time is up, then throws `what`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `gave up after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`,
      );
    await sleep(everyMs);
  }
}
