import { type ChildProcess, spawn } from 'node:child_process';
import { freePort, KILGORE_MAIN } from './cluster.js';

/**
 * A Kilgore broker in a child process (`kilgore serve`), for tests that kill it for real
 * (SIGKILL: no shutdown hook runs, only what reached the disk survives) and start it again on the
 * same port and log dir, so clients reconnect to the address they know.
 */
export class BrokerProcess {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    readonly logDir: string,
    private readonly flags: Record<string, string>,
  ) {}

  static async start(logDir: string, flags: Record<string, string> = {}): Promise<BrokerProcess> {
    const b = new BrokerProcess(await freePort('127.0.0.1'), logDir, flags);
    await b.restart();
    return b;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts the process (again) and resolves once it listens. */
  async restart(): Promise<void> {
    const args = [
      KILGORE_MAIN,
      'serve',
      '--listeners',
      `PLAINTEXT://127.0.0.1:${this.port}`,
      '--log-dirs',
      this.logDir,
    ];
    for (const [k, v] of Object.entries(this.flags)) args.push(`--${k.replaceAll('.', '-')}`, v);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.output = '';
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!this.output.includes('kilgore broker started')) {
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error(`kilgore serve did not start (build it first: npx tsc -b); output:\n${this.output}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** SIGKILL, then waits for the process to be gone. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  }

  /** Ends the process if it still runs (afterAll). */
  async stop(): Promise<void> {
    await this.kill9();
  }
}
