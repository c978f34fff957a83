import { readFileSync } from 'node:fs';

/** A broker's processes as /proc sees them: CPU seconds used and resident memory. */

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** utime + stime of the process (all its threads), in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
}

/** VmRSS and VmHWM (peak RSS) in MiB. */
export function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Sums over several processes (a cluster). */
export const totalCpu = (pids: number[]): number => pids.reduce((s, p) => s + cpuSeconds(p), 0);
export function totalMemory(pids: number[]): { rss: number; peak: number } {
  return pids
    .map(memory)
    .reduce((a, b) => ({ rss: a.rss + b.rss, peak: a.peak + b.peak }), { rss: 0, peak: 0 });
}

/** Samples the summed VmRSS every `everyMs` until stopped; resolves the highest seen. */
export function sampleRss(pids: number[], everyMs = 200): { stop(): number } {
  let max = totalMemory(pids).rss;
  const t = setInterval(() => {
    try {
      max = Math.max(max, totalMemory(pids).rss);
    } catch {
      // a process ended
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(t);
      return max;
    },
  };
}
