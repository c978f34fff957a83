import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLEAN_SHUTDOWN_FILE, LogManager, verifySegmentFiles } from '@kilgore/storage';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/batches.js';

const writer = fileURLToPath(new URL('./helpers/crash-writer.ts', import.meta.url));
const KILLS = 54;
const PARALLEL = 3;

interface Acked {
  base: number;
  last: number;
  crc: number;
}

/** Runs the writer until it has acknowledged `target` appends (plus a little), then SIGKILLs it. */
function runAndKill(dir: string, seed: number, target: number, extraMs: number): Promise<Acked[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, String(seed)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: Acked[] = [];
    let buffered = '';
    let stderr = '';
    let killing = false;
    const kill = () => {
      if (killing) return;
      killing = true;
      setTimeout(() => child.kill('SIGKILL'), extraMs);
    };
    // A backstop for a writer that never reaches `target`, counted from its 'ready' line: under
    // load a tsx start alone took over 5 s, and a kill before the writer opened its log left
    // nothing to check (ENOENT on the partition dir).
    let timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer not ready within 60 s: ${stderr}`));
    }, 60_000);
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('ready')) {
          clearTimeout(timer);
          timer = setTimeout(kill, 5000);
          continue;
        }
        const [b, l, c] = line.split(' ').map(Number);
        acked.push({ base: b!, last: l!, crc: c! });
      }
      if (acked.length >= target) kill();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code}: ${stderr}`));
      else resolve(acked);
    });
  });
}

/** Reopens the dir in this process (recovering it) and checks every promise the writer made. */
async function check(dir: string, acked: Map<number, Acked>, cycle: number): Promise<void> {
  const pdir = path.join(dir, 'crash-0');
  // Straight after SIGKILL, before any recovery: only the newest segment may end in a torn
  // batch (SIGKILL can cut a write() short; that append had not returned), and every index
  // entry that reached a file points at the right batch.
  const raw = verifySegmentFiles(pdir);
  raw.forEach((report, i) => {
    const wrong = report.problems.filter(
      (p) => !p.endsWith('missing') && !(i === raw.length - 1 && p.includes('runs past the end')),
    );
    expect(wrong, `segment ${report.baseOffset} right after the kill`).toEqual([]);
  });
  const m = await LogManager.open({ dir, background: false });
  const log = m.get('crash', 0)!;
  // Every acknowledged batch is there with its bytes, and offsets are contiguous.
  let next = log.logStartOffset;
  let seen = 0;
  while (next < log.logEndOffset) {
    const { records, nextOffset } = log.read(next, 1 << 20, log.logEndOffset);
    let p = 0;
    while (p < records.length) {
      const base = Number(records.readBigInt64BE(p));
      const last = base + records.readInt32BE(p + 23);
      expect(base).toBe(next);
      const a = acked.get(base);
      if (a) {
        expect(last).toBe(a.last);
        expect(records.readUInt32BE(p + 17)).toBe(a.crc);
        seen++;
      }
      next = last + 1;
      p += records.readInt32BE(p + 8) + 12;
    }
    expect(nextOffset).toBe(next);
  }
  expect(seen).toBe(acked.size);
  expect(log.verify()).toEqual([]);
  await m.close();
  // After recovery and a clean close the index files agree with the logs entry for entry.
  for (const report of verifySegmentFiles(pdir)) expect(report.problems).toEqual([]);
  // Half the time the next writer must itself recover from an unclean state.
  if (cycle % 2 === 1) fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE));
}

describe('crash safety under kill -9 (flush.messages=1)', () => {
  it(`keeps every acknowledged batch across ${KILLS} SIGKILLs`, async () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const lanes = Array.from({ length: PARALLEL }, () => ({
      dir: tempDir('kilgore-crash-'),
      acked: new Map<number, Acked>(),
    }));
    let kills = 0;
    await Promise.all(
      lanes.map(async (lane, li) => {
        for (let cycle = 0; cycle < KILLS / PARALLEL; cycle++) {
          const acks = await runAndKill(lane.dir, li * 1000 + cycle + 1, 1 + rand(100), rand(10));
          kills++;
          for (const a of acks) lane.acked.set(a.base, a);
          await check(lane.dir, lane.acked, cycle);
        }
      }),
    );
    expect(kills).toBeGreaterThanOrEqual(50);
    for (const lane of lanes) {
      expect(lane.acked.size).toBeGreaterThan(100);
      fs.rmSync(lane.dir, { recursive: true, force: true });
    }
  }, 120_000);
});
