import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// These run the built package (dist/index.js, and the CommonJS bundle dist/index.cjs) in a plain node process, as a user's test runner
// would load it; the build is brought up to date first (tsc -b is incremental).
const root = fileURLToPath(new URL('../../..', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const run = (file: string) =>
  JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 }));

describe('the built package', { timeout: 120_000 }, () => {
  it('builds', () => {
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', 'packages/testing'], {
      cwd: root,
      stdio: 'inherit',
    });
    execFileSync(process.execPath, ['packages/testing/scripts/build-cjs.mjs'], {
      cwd: root,
      stdio: 'inherit',
    });
  });

  it("works from CommonJS: require('@kilgore/testing')", () => {
    expect(run(fixture('require.cjs'))).toEqual({ errorCode: 0, notLeader: 6 });
  });

  it("works from ESM: import '@kilgore/testing'", () => {
    expect(run(fixture('import.mjs'))).toMatchObject({ port: expect.any(Number), notLeader: 6 });
  });

  it("the README's vitest globalSetup example runs (its own vitest process)", () => {
    const out = execFileSync(
      process.execPath,
      [`${root}node_modules/vitest/vitest.mjs`, 'run', '--config', fixture('vitest-global/vitest.config.ts')],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    expect(out).toMatch(/1 passed/);
  });

  it("the README's jest example runs (jest 29, CommonJS test file, its own process)", () => {
    const jest = fileURLToPath(new URL('../node_modules/jest/bin/jest.js', import.meta.url));
    const res = spawnSync(process.execPath, [jest, '--config', fixture('jest/jest.config.cjs')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    // jest reports on stderr; show it if the run failed.
    expect(res.stderr).toMatch(/Tests:\s+1 passed, 1 total/);
    expect(res.status).toBe(0);
  });
});
