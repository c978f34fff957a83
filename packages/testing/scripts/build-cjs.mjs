// Builds dist/index.cjs: the package and the @kilgore packages it uses, bundled into one CommonJS
// file. Jest runs CommonJS tests in vm contexts where neither import() nor require(esm) works
// (without --experimental-vm-modules), so a CJS entry that loads the ESM build is not enough.
// Third-party dependencies stay external (they ship CommonJS themselves). Run after `tsc -b`.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const here = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', here), 'utf8'));
const external = Object.keys(pkg.dependencies).filter((d) => !d.startsWith('@kilgore/'));

await build({
  entryPoints: [new URL('dist/index.js', here).pathname],
  outfile: new URL('dist/index.cjs', here).pathname,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external,
  logLevel: 'warning',
});
