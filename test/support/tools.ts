import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The path of a system tool the test needs. A missing tool fails the test with the apt package
 * to install (scripts/install-test-tools.sh installs them all); tests never skip silently.
 */
export function requireTool(path: string, aptPackage: string): string {
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: install the Debian package ${aptPackage} (bash scripts/install-test-tools.sh)`,
    );
  }
  return path;
}

/** /usr/bin/python3, after checking that it can import `module` (from the Debian package `aptPackage`). */
export function requirePythonModule(module: string, aptPackage: string): string {
  const python = requireTool('/usr/bin/python3', 'python3');
  const probe = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `python3 cannot import ${module}: install the Debian package ${aptPackage} (bash scripts/install-test-tools.sh)`,
    );
  }
  return python;
}
