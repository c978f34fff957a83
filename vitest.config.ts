import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import packages by name; point those names at the sources so tests never need a build.
const packages = ['protocol', 'storage', 'discovery', 'chain', 'broker', 'ingest', 'http', 'testing'];
const alias = Object.fromEntries(
  packages.map((name) => [
    `@kilgore/${name}`,
    fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url)),
  ]),
);

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'] },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
