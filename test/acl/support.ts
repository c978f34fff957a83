import { rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Broker, loadConfig } from '@kilgore/broker';
import { ApiKey, decodeResponse, encodeRequest, FrameSplitter } from '@kilgore/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { tempDir } from '../support/temp-dir.js';

/** The super user of these tests. */
export const ADMIN = 'admin';
/** Every user the brokers here know (SASL PLAIN users file); each password is `<name>-secret`. */
const USERS = [ADMIN, 'writer', 'reader', 'mallory', 'someone', 'nobody'];
export const password = (user: string): string => `${user}-secret`;

export interface AclBroker {
  broker: Broker;
  bootstrap: string;
  logDir: string;
  /** A kafkajs client authenticated with SASL PLAIN as `User:<name>`. */
  kafka(name: string): Kafka;
  /** Stops the broker; the log dir stays unless `remove`. */
  stop(remove?: boolean): Promise<void>;
}

/**
 * An in-process broker with one SASL_PLAINTEXT listener (PLAIN users from a file), the authorizer
 * on and `User:admin` as super user: each client is judged as the user it authenticated as.
 */
export async function startAclBroker(
  opts: { logDir?: string; flags?: Record<string, string> } = {},
): Promise<AclBroker> {
  // Removed by stop(), or after the test file if a failure skipped stop() (or stop(false)).
  const logDir = opts.logDir ?? tempDir('kilgore-acl-');
  const secrets = tempDir('kilgore-acl-users-');
  const usersFile = join(secrets, 'users.properties');
  writeFileSync(usersFile, USERS.map((u) => `${u}=${password(u)}\n`).join(''));
  const { config } = loadConfig({
    flags: {
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
      'sasl.enabled.mechanisms': 'PLAIN',
      'kilgore.sasl.users.file': usersFile,
      'log.dirs': logDir,
      'logger.level': process.env.KILGORE_TEST_LOG ?? 'silent',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': `User:${ADMIN}`,
      'group.initial.rebalance.delay.ms': '0',
      ...opts.flags,
    },
  });
  const broker = await Broker.start({ config });
  return {
    broker,
    bootstrap: broker.bootstrap,
    logDir,
    kafka: (name) =>
      new Kafka({
        clientId: `acl-test-${name}`,
        brokers: [broker.bootstrap],
        sasl: { mechanism: 'plain', username: name, password: password(name) },
        logLevel: logLevel.NOTHING,
        retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 200 },
      }),
    async stop(remove = true) {
      await broker.stop();
      rmSync(secrets, { recursive: true, force: true });
      if (remove) rmSync(logDir, { recursive: true, force: true });
    },
  };
}

/**
 * Authenticates as `user` with SaslHandshake v1 + SaslAuthenticate (PLAIN), sends one request and
 * resolves the decoded response body.
 */
export async function rawRequest<T extends object>(
  bootstrap: string,
  user: string,
  apiKey: number,
  apiVersion: number,
  body: object,
): Promise<T> {
  const [host, port] = bootstrap.split(':') as [string, string];
  const socket = connect({ host, port: Number(port) });
  const splitter = new FrameSplitter({ maxFrameSize: 64 * 1024 * 1024 });
  const frames: Buffer[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  socket.on('data', (chunk: Buffer) => {
    frames.push(...splitter.push(chunk));
    wake?.();
  });
  socket.on('error', (err) => {
    failure = err;
    wake?.();
  });
  socket.on('close', () => {
    failure ??= new Error('connection closed before the response');
    wake?.();
  });
  let correlationId = 0;
  const call = async <R extends object>(key: number, version: number, request: object): Promise<R> => {
    const header = {
      apiKey: key,
      apiVersion: version,
      correlationId: ++correlationId,
      clientId: `acl-raw-${user}`,
    };
    for (const b of encodeRequest({ header, body: request })) socket.write(b);
    while (frames.length === 0) {
      if (failure) throw failure;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    return decodeResponse<R>(key, version, frames.shift()!).body;
  };
  try {
    const hs = await call<{ errorCode: number }>(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
    if (hs.errorCode !== 0) throw new Error(`SaslHandshake failed: ${hs.errorCode}`);
    const authBytes = Buffer.from(`\0${user}\0${password(user)}`);
    const auth = await call<{ errorCode: number }>(ApiKey.SaslAuthenticate, 0, { authBytes });
    if (auth.errorCode !== 0) throw new Error(`SaslAuthenticate failed: ${auth.errorCode}`);
    return await call<T>(apiKey, apiVersion, body);
  } finally {
    socket.destroy();
  }
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
