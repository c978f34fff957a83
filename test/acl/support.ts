import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker, loadConfig } from '@kilgore/broker';
import { decodeResponse, encodeRequest, FrameSplitter } from '@kilgore/protocol';
import { Kafka, logLevel } from 'kafkajs';

/** The super user of these tests. */
export const ADMIN = 'admin';

export interface AclBroker {
  broker: Broker;
  bootstrap: string;
  logDir: string;
  /** A kafkajs client whose requests are judged as `User:<name>`. */
  kafka(name: string): Kafka;
  /** Stops the broker; the log dir stays unless `remove`. */
  stop(remove?: boolean): Promise<void>;
}

/**
 * An in-process broker with the authorizer on and `User:admin` as super user. Until SASL is in,
 * the principal comes from the test-only principal mapper: a request from client id `alice` is
 * judged as `User:alice` (a request authenticated by SASL would carry its own principal).
 */
export async function startAclBroker(
  opts: { logDir?: string; flags?: Record<string, string> } = {},
): Promise<AclBroker> {
  const logDir = opts.logDir ?? mkdtempSync(join(tmpdir(), 'kilgore-acl-'));
  const { config } = loadConfig({
    flags: {
      listeners: 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': logDir,
      'logger.level': process.env.KILGORE_TEST_LOG ?? 'silent',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': `User:${ADMIN}`,
      'group.initial.rebalance.delay.ms': '0',
      ...opts.flags,
    },
  });
  const broker = await Broker.start({ config });
  broker.context.authorizer.principalMapper = (r) => (r.clientId ? `User:${r.clientId}` : undefined);
  return {
    broker,
    bootstrap: broker.bootstrap,
    logDir,
    kafka: (name) =>
      new Kafka({
        clientId: name,
        brokers: [broker.bootstrap],
        logLevel: logLevel.NOTHING,
        retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 200 },
      }),
    async stop(remove = true) {
      await broker.stop();
      if (remove) rmSync(logDir, { recursive: true, force: true });
    },
  };
}

/** Sends one request with the given client id and resolves the decoded response body. */
export function rawRequest<T extends object>(
  bootstrap: string,
  clientId: string,
  apiKey: number,
  apiVersion: number,
  body: object,
): Promise<T> {
  const [host, port] = bootstrap.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) });
    const splitter = new FrameSplitter({ maxFrameSize: 64 * 1024 * 1024 });
    socket.once('error', reject);
    socket.on('close', () => reject(new Error('connection closed before the response')));
    socket.on('data', (chunk: Buffer) => {
      for (const frame of splitter.push(chunk)) {
        socket.destroy();
        try {
          resolve(decodeResponse<T>(apiKey, apiVersion, frame).body);
        } catch (err) {
          reject(err);
        }
        return;
      }
    });
    const header = { apiKey, apiVersion, correlationId: 7, clientId };
    for (const b of encodeRequest({ header, body })) socket.write(b);
  });
}

/** The Kafka error type (`TOPIC_AUTHORIZATION_FAILED`) of a kafkajs failure, or the message. */
export async function kafkaError(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (err) {
    const e = err as {
      type?: string;
      errors?: { type?: string }[];
      originalError?: { type?: string };
      cause?: { type?: string };
      message?: string;
    };
    return e.type ?? e.errors?.[0]?.type ?? e.originalError?.type ?? e.cause?.type ?? String(e.message);
  }
  return 'no error';
}
