import { connect, type Socket } from 'node:net';
import { Broker, loadConfig } from '@kilgore/broker';
import { describe, expect, it } from 'vitest';
import { tempDir } from './temp-dir.js';

async function start(): Promise<Broker> {
  const dir = tempDir('kilgore-close-');
  const { config } = loadConfig({
    flags: { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': dir, 'logger.level': 'silent' },
  });
  return Broker.start({ config });
}

const open = (port: number, allowHalfOpen: boolean) =>
  new Promise<Socket>((resolve) => {
    const s = connect({ host: '127.0.0.1', port, allowHalfOpen }, () => resolve(s));
    s.on('error', () => {});
  });

describe('KafkaServer.close', () => {
  it('closes idle client connections, whether or not the client answers the FIN', async () => {
    const broker = await start();
    const polite = await open(broker.listeners[0]!.boundPort, false);
    // A half-open client never closes its side: the server must destroy it after the grace period.
    const stubborn = await open(broker.listeners[0]!.boundPort, true);
    const closed = new Promise((r) => polite.once('close', r));
    const ended = new Promise((r) => stubborn.once('end', r));
    stubborn.resume();
    await broker.stop();
    // stop() resolved although the stubborn socket never closed its side; both saw the server go.
    await Promise.all([closed, ended]);
    expect(polite.destroyed).toBe(true);
    stubborn.destroy();
  });
});
