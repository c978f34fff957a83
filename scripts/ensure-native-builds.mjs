#!/usr/bin/env node
// The test suite's one native addon, node-rdkafka (packages/testing's devDependency), is compiled
// by its install script. The README's quick start installs with `--ignore-scripts`, and pnpm then
// keeps the build as pending: a later `pnpm install --frozen-lockfile` says "up to date" and does
// not run it, so the rdkafka test found no binding. `pnpm test` runs this first: when
// node-rdkafka does not load (never built, or built for another Node), it runs
// `pnpm rebuild node-rdkafka` (a few minutes of C++ build) and checks again.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const testingDir = join(root, 'packages', 'testing');

function loads() {
  const r = spawnSync(process.execPath, ['-e', "require('node-rdkafka')"], {
    cwd: testingDir,
    encoding: 'utf8',
  });
  return { ok: r.status === 0, stderr: r.stderr ?? '' };
}

function pnpm(args) {
  // Under `pnpm run`, npm_execpath is pnpm itself (a binary, or a .js/.cjs/.mjs for node).
  const execpath = process.env.npm_execpath;
  const [cmd, pre] = execpath
    ? /\.[cm]?js$/.test(execpath)
      ? [process.execPath, [execpath]]
      : [execpath, []]
    : ['npx', ['-y', 'pnpm@12.4.2']];
  return spawnSync(cmd, [...pre, ...args], { cwd: root, stdio: 'inherit' }).status;
}

if (!loads().ok) {
  console.log(
    'node-rdkafka has no usable binding (installed with --ignore-scripts?): running `pnpm rebuild node-rdkafka` (a few minutes)',
  );
  const status = pnpm(['rebuild', 'node-rdkafka']);
  const after = loads();
  if (status !== 0 || !after.ok) {
    console.error(
      `node-rdkafka still does not load after \`pnpm rebuild node-rdkafka\` (exit ${status}); it needs a C++ toolchain, make and python3 (Debian: apt-get install build-essential python3)\n${after.stderr}`,
    );
    process.exit(1);
  }
}
