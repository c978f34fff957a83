import { rmSync } from 'node:fs';
import { Broker, loadConfig } from '@kilgore/broker';
import { tempDir } from './temp-dir.js';

export interface TestBroker {
  broker: Broker;
  /** `127.0.0.1:port` */
  bootstrap: string;
  logDir: string;
  stop(): Promise<void>;
}

/** Starts a broker in this process on a free port with a fresh temp log dir. */
export async function startTestBroker(flags: Record<string, string> = {}): Promise<TestBroker> {
  // Removed by stop(), or after the test file if a failure skipped stop().
  const logDir = tempDir('kilgore-it-');
  const { config } = loadConfig({
    flags: {
      listeners: 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': logDir,
      'logger.level': process.env.KILGORE_TEST_LOG ?? 'silent',
      ...flags,
    },
  });
  const broker = await Broker.start({ config });
  return {
    broker,
    bootstrap: broker.bootstrap,
    logDir,
    async stop() {
      await broker.stop();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}
