import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Broker, loadConfig } from '@kilgore/broker';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/temp-dir.js';
import { requireTool } from './support/tools.js';

const run = promisify(execFile);

async function start(logDir: string): Promise<Broker> {
  const { config } = loadConfig({
    flags: { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': logDir, 'logger.level': 'silent' },
  });
  return Broker.start({ config });
}

function produce(kcat: string, bootstrap: string, topic: string, lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(kcat, ['-b', bootstrap, '-P', '-t', topic, '-X', 'acks=all'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`kcat -P exited ${code}: ${err}`)),
    );
    child.stdin.end(`${lines.join('\n')}\n`);
  });
}

describe('a broker restarted on the same log dir', () => {
  it("keeps topics, ids and records, in Kafka's on-disk layout", async () => {
    const kcat = requireTool('/usr/bin/kcat', 'kcat');
    const logDir = tempDir('kilgore-restart-');
    let broker = await start(logDir);
    await produce(kcat, broker.bootstrap, 'kept', ['one', 'two', 'three']);
    const id = broker.context.topics.get('kept')!.id;
    await broker.stop();

    expect(existsSync(join(logDir, '.kafka_cleanshutdown'))).toBe(true);
    expect(readdirSync(join(logDir, 'kept-0')).sort()).toEqual(
      expect.arrayContaining(['00000000000000000000.log', 'partition.metadata']),
    );
    expect(readFileSync(join(logDir, 'kept-0', 'partition.metadata'), 'utf8')).toContain(id);

    broker = await start(logDir);
    try {
      expect(broker.context.topics.get('kept')!.id).toBe(id);
      const { stdout } = await run(
        kcat,
        ['-b', broker.bootstrap, '-C', '-t', 'kept', '-o', 'beginning', '-e', '-f', '%o %s\n'],
        { timeout: 20_000 },
      );
      expect(stdout.trim().split('\n')).toEqual(['0 one', '1 two', '2 three']);
    } finally {
      await broker.stop();
    }
  });
});
