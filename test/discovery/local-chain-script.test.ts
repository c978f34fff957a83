import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../support/cluster.js';
import { metadata } from '../support/wire.js';
import { freeUdpTcpPort } from './support/dnsmasq.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/local-chain.sh', import.meta.url));

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('scripts/local-chain.sh', () => {
  it('runs dnsmasq and three nodes that find each other through SRV, and stops them all on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kilgore-local-chain-'));
    // One port free on all three addresses (each node listens on its own 127.0.0.N).
    let port = 0;
    for (let i = 0; i < 20 && port === 0; i++) {
      const candidate = await freePort('127.0.0.1');
      const others = await Promise.all(['127.0.0.2', '127.0.0.3'].map((h) => portFreeOn(h, candidate)));
      if (others.every(Boolean)) port = candidate;
    }
    const dnsPort = await freeUdpTcpPort();
    const child = spawn('bash', [SCRIPT], {
      env: { ...process.env, DATA_DIR: dir, DNS_PORT: String(dnsPort), KAFKA_PORT: String(port), TTL: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const outputs = () =>
      `${stderr}\n${[1, 2, 3].map((n) => `--- node ${n}\n${safeRead(join(dir, `node-${n}.log`)).slice(-3000)}`).join('\n')}`;
    try {
      for (const n of [1, 2, 3]) {
        const md = await waitFor(
          `node ${n} to answer Metadata listing the three nodes`,
          async () => {
            if (child.exitCode !== null) throw new Error(`local-chain.sh exited: ${outputs()}`);
            const m = await metadata({ host: `127.0.0.${n}`, port }, []);
            return m.brokers.length === 3 ? m : undefined;
          },
          40_000,
        ).catch((err: Error) => {
          throw new Error(`${err.message}\n${outputs()}`);
        });
        expect([...md.brokers].map((b) => `${b.nodeId}@${b.host}:${b.port}`).sort()).toEqual(
          [1, 2, 3].map((i) => `${i}@127.0.0.${i}:${port}`),
        );
      }
      const pids = childrenOf(child.pid as number);
      expect(pids.length).toBe(4); // dnsmasq + three nodes
      child.kill('SIGTERM');
      expect(await exited(child)).not.toBeNull();
      await waitFor(
        'every process of the script to be gone',
        () => (pids.some(alive) ? undefined : true),
        20_000,
      );
      expect(stderr).toMatch(/local-chain: stopped/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

/** The pids whose parent is `pid`, from /proc (field 4 of /proc/<pid>/stat is the parent). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      const stat = safeRead(`/proc/${name}/stat`);
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
    })
    .map(Number);
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

async function portFreeOn(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}
