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
