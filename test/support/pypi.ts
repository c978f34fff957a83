import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The python of the virtualenv that scripts/fetch-clients.sh makes with the current PyPI clients
 * (test/clients/python/requirements.txt: confluent-kafka 2.x with its own librdkafka, kafka-python
 * 3.x, aiokafka). The venv is named by the hash of requirements.txt, as that script names it; a
 * missing one fails the test with what to run.
 */
export function pypiPython(): string {
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
