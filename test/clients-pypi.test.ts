import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';
import {
  type Acked,
  type Consumed,
  codecsOnDisk,
  createTopic,
  produceConsumeResume,
  runJson,
} from './support/resume.js';

// The current Python clients from PyPI (test/clients/python/requirements.txt), in the virtualenv
// that scripts/fetch-clients.sh makes: each produces, consumes in a group, commits and resumes.

const root = fileURLToPath(new URL('..', import.meta.url));
const program = join(root, 'test/clients/python/clients.py');

/** The venv's python; the venv is named by the hash of requirements.txt, as fetch-clients.sh names it. */
function venvPython(): string {
  const requirements = readFileSync(join(root, 'test/clients/python/requirements.txt'));
  const hash = createHash('sha256').update(requirements).digest('hex').slice(0, 12);
  const venv = join(process.env.KILGORE_CACHE ?? join(homedir(), '.cache/kilgore'), `venv-${hash}`);
  if (!existsSync(join(venv, '.complete'))) {
    throw new Error(
      `the PyPI clients' virtualenv ${venv} is missing: run bash scripts/install-test-tools.sh (it calls scripts/fetch-clients.sh)`,
    );
  }
  return join(venv, 'bin/python');
}

let tb: TestBroker;
let python: string;
beforeAll(async () => {
  python = venvPython();
  tb = await startTestBroker({ 'group.initial.rebalance.delay.ms': '0' });
});
afterAll(async () => {
  await tb?.stop();
});

const PARTITIONS = 3;
const RECORDS = 30;

describe('PyPI clients: produce, consume in a group, commit, resume', () => {
  // The second batch compressed: zstd with librdkafka; gzip for the pure-Python clients, which need
  // extra packages for the other codecs.
  it.each([
    ['confluent', 'zstd'],
    ['kafka-python', 'gzip'],
    ['aiokafka', 'gzip'],
  ])('%s (then %s)', async (client, codec) => {
    const topic = `pypi-${client}`;
    await createTopic(tb.bootstrap, topic, PARTITIONS);
    await produceConsumeResume(
      {
        produce: async (from, count, packWith) =>
          (
            await runJson<{ acked: Acked[] }>(python, [
              program,
              client,
              'produce',
              tb.bootstrap,
              topic,
              `${from}`,
              `${count}`,
              ...(packWith ? [packWith] : []),
            ])
          ).acked,
        consume: (group, count) =>
          runJson<{ records: Consumed[]; assigned: number }>(python, [
            program,
            client,
            'consume',
            tb.bootstrap,
            topic,
            group,
            `${count}`,
          ]),
      },
      {
        bootstrap: tb.bootstrap,
        topic,
        group: `pypi-${client}-group`,
        partitions: PARTITIONS,
        records: RECORDS,
        codec,
      },
    );
    expect(codecsOnDisk(tb.logDir, topic)).toEqual(new Set(['none', codec]));
  });
});
