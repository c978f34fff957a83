/** Kilgore the way the comparison runs it: `kilgore serve`, a 3-node chain, and startBroker(). */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '@kilgore/testing';
import { ChainCluster, freePort, KILGORE_MAIN } from '../../test/support/cluster.js';
import { firstAcceptedProduce } from './topics.js';

/** One `node apps/kilgore/dist/main.js serve` on a fresh log dir (Kilgore's defaults otherwise). */
export class KilgoreServe {
  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly child: ChildProcess,
    readonly spawnedAt: number,
  ) {}

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }
  get pids(): number[] {
    return [this.child.pid!];
  }
  readonly alive = (): boolean => this.child.exitCode === null && this.child.signalCode === null;

  /** `settings` by Kafka name, passed as flags (`logger.level` -> `--logger-level`). */
  static async start(settings: Record<string, string> = {}): Promise<KilgoreServe> {
    const dir = mkdtempSync(join(tmpdir(), 'kilgore-vs-kafka-serve-'));
    const port = await freePort('127.0.0.1');
    const flags = Object.entries({ 'logger.level': 'warn', ...settings }).flatMap(([k, v]) => [
      `--${k.replaceAll('.', '-')}`,
      v,
    ]);
    const spawnedAt = performance.now();
    const child = spawn(
      process.execPath,
      [
        KILGORE_MAIN,
        'serve',
        '--listeners',
        `PLAINTEXT://127.0.0.1:${port}`,
        '--log-dir',
        join(dir, 'data'),
        ...flags,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const out = createWriteStream(join(dir, 'serve.out'));
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    return new KilgoreServe(dir, port, child, spawnedAt);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A 3-node chain (head 127.0.0.1, then .2, .3), as packages/chain/bench starts one. */
export async function startChain(settings: Record<string, string> = {}): Promise<{
  bootstrap: string;
  pids: number[];
  stop(): Promise<void>;
}> {
  const cluster = await ChainCluster.start({
    chains: [{ name: 'a', nodes: [1, 2, 3] }],
    settings: { 'logger.level': 'warn', ...settings },
  });
  return {
    bootstrap: cluster.node(1).bootstrap,
    pids: [...cluster.nodes.values()].map((n) => n.child!.pid!),
    async stop() {
      await cluster.stopAll();
      cluster.close();
    },
  };
}

/** ms from calling startBroker() (in this process, on a temp dir) to its first accepted produce. */
export async function inProcessStartup(): Promise<number> {
  const t0 = performance.now();
  const broker = await startBroker();
  const t1 = await firstAcceptedProduce({ host: '127.0.0.1', port: broker.port }, 'startup');
  await broker.stop();
  return t1 - t0;
}
