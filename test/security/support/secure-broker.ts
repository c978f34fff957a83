import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker, type InterceptedRequest, loadConfig } from '@kilgore/broker';

/** The users every secure test broker knows (users file and JAAS), and the AWS key it trusts. */
export const USERS = { alice: 'alice-secret', bob: 'bob-secret' } as const;
export const AWS_KEY = {
  accessKeyId: 'AKIDKILGORETEST',
  secretAccessKey: 'kilgore/aws+secret',
  principal: 'iam-app',
};

export interface SecureBroker {
  broker: Broker;
  logDir: string;
  /** `127.0.0.1:port` of a listener by name. */
  address(listener: string): string;
  /** Principals seen on requests, in order (from the request interceptor). */
  seen: { apiKey: number; principal: string | undefined; listener: string }[];
  /** End offset of partition 0 of a topic (0 when it does not exist). */
  endOffset(topic: string): number;
  stop(opts?: { keepLogDir?: boolean }): Promise<void>;
}

/**
 * A broker in this process with the given listeners (all on 127.0.0.1, port 0), a users file
 * (alice: PLAIN and SCRAM), bob in the JAAS config of each SASL listener, the AWS test key, and
 * an interceptor that records each request's principal.
 */
export async function startSecureBroker(
  listeners: string[],
  flags: Record<string, string> = {},
  logDir = mkdtempSync(join(tmpdir(), 'kilgore-sec-')),
): Promise<SecureBroker> {
  const usersFile = join(logDir, '..', `${logDir.split('/').pop()}-users.properties`);
  writeFileSync(usersFile, `# PLAIN users\nalice=${USERS.alice}\n`);
  const iamFile = join(logDir, '..', `${logDir.split('/').pop()}-iam.json`);
  writeFileSync(
    iamFile,
    JSON.stringify({
      [AWS_KEY.accessKeyId]: { secretAccessKey: AWS_KEY.secretAccessKey, principal: AWS_KEY.principal },
    }),
  );
  const jaas: Record<string, string> = {};
  for (const l of listeners) {
    if (l.startsWith('SASL')) {
      jaas[`listener.name.${l.toLowerCase()}.plain.sasl.jaas.config`] =
        `org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" user_bob="${USERS.bob}";`;
    }
  }
  const { config } = loadConfig({
    flags: {
      listeners: listeners.map((l) => `${l}://127.0.0.1:0`).join(','),
      'log.dirs': logDir,
      'logger.level': process.env.KILGORE_TEST_LOG ?? 'silent',
      'kilgore.sasl.users.file': usersFile,
      'kilgore.aws.msk.iam.credentials.file': iamFile,
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,AWS_MSK_IAM',
      ...jaas,
      ...flags,
    },
  });
  const seen: SecureBroker['seen'] = [];
  const broker = await Broker.start({
    config,
    interceptor: (req: InterceptedRequest, next) => {
      seen.push({ apiKey: req.apiKey, principal: req.principal, listener: req.listenerName });
      return next(req.body);
    },
  });
  return {
    broker,
    logDir,
    seen,
    address(listener) {
      const l = broker.listeners.find((x) => x.name === listener);
      if (!l) throw new Error(`no listener ${listener}`);
      return `127.0.0.1:${l.boundPort}`;
    },
    endOffset(topic) {
      return broker.context.logs.get(topic, 0)?.logEndOffset ?? 0;
    },
    async stop(opts = {}) {
      await broker.stop();
      rmSync(usersFile, { force: true });
      rmSync(iamFile, { force: true });
      if (!opts.keepLogDir) rmSync(logDir, { recursive: true, force: true });
    },
  };
}
