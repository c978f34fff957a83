/**
 * `pnpm fuzz [count] [--seed N]`: mutated request frames against the decoder, a real in-process
 * broker's router, and a share over TCP. Prints inputs/s and outcome counts; exits 1 on a crash,
 * with the crashing inputs as hex (replay: decode the hex and send it as one frame).
 */
import { runFuzz } from './run.js';

const args = process.argv.slice(2);
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : Date.now() % 0x7fffffff;
const countArg = args.find((a, i) => /^\d[\d_]*$/.test(a) && (seedAt < 0 || i !== seedAt + 1));
const count = countArg ? Number(countArg.replaceAll('_', '')) : 1_000_000;
if (!Number.isSafeInteger(count) || count <= 0 || !Number.isSafeInteger(seed)) {
  console.error('usage: pnpm fuzz [count] [--seed N]   (count default 1000000)');
  process.exit(2);
}

console.log(
  `fuzzing ${count} inputs, seed ${seed}${(globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for exact heap figures)'}`,
);
const progressEvery = Number(process.env.FUZZ_PROGRESS ?? 100_000);
const report = await runFuzz({
  count,
  seed,
  hangMs: 30_000,
  progress: (line) => console.log(line),
  progressEvery,
});
console.log(
  `${report.inputs} inputs in ${report.seconds.toFixed(1)} s: ${report.inputsPerSecond} inputs/s (${report.seeds} seeds)`,
);
console.log('outcomes:', JSON.stringify(sorted(report.outcomes)));
console.log('mutations:', JSON.stringify(sorted(report.mutations)));
console.log(
  `heap: ${report.heapStartMB.toFixed(1)} MB at start, ${report.heapPeakMB.toFixed(1)} MB peak, ${report.heapEndMB.toFixed(1)} MB at end`,
);
for (const [name, hex] of Object.entries(report.waitingSamples)) {
  console.log(
    `first ${name} input (Produce acks=0, a parked Fetch or JoinGroup may legitimately stay silent): ${hex.slice(0, 400)}`,
  );
}
if (report.crashes.length > 0) {
  for (const c of report.crashes)
    console.log(`CRASH [${c.target}] input #${c.index} (${c.mutation}): ${c.error}\n  input: ${c.inputHex}`);
  process.exit(1);
}
console.log('no crashes');

function sorted(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
