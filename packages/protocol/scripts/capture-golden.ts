/**
 * Recaptures the golden fixtures: real clients (kafkajs, kcat) talk to a capturing stand-in
 * broker, and the frames they exchanged land in test/fixtures/golden/ with a manifest.
 *
 *   node --import tsx packages/protocol/scripts/capture-golden.ts [outDir]
 *
 * KCAT (environment) names the kcat binary; default "kcat" from PATH.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureGolden } from './golden/capture.js';

const defaultOut = fileURLToPath(new URL('../test/fixtures/golden/', import.meta.url));
const outDir = path.resolve(process.argv[2] ?? defaultOut);

const fixtures = await captureGolden({ kcatBin: process.env.KCAT ?? 'kcat' });

await mkdir(outDir, { recursive: true });
// Old .bin files go first, so a fixture that is no longer captured does not linger.
for (const name of await readdir(outDir)) {
  if (name.endsWith('.bin')) await rm(path.join(outDir, name));
}
for (const { entry, bytes } of fixtures) await writeFile(path.join(outDir, entry.file), bytes);
const manifest = { fixtures: fixtures.map((f) => f.entry) };
await writeFile(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`capture-golden: wrote ${fixtures.length} fixtures to ${outDir}`);
for (const { entry, bytes } of fixtures) console.log(`  ${entry.file} (${bytes.length} bytes)`);
