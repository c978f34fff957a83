/**
 * The problems DumpLogSegments collects while it prints and reports on stderr at the end
 * (index mismatches, time-index errors, non-consecutive offsets), in Kafka's wording.
 */
export class DumpErrors {
  readonly indexMismatches = new Map<string, Array<[bigint, bigint]>>();
  readonly timeMismatches = new Map<string, Array<[bigint, bigint]>>();
  readonly timeOutOfOrder = new Map<string, Array<[bigint, bigint]>>();
  readonly timeNotFound = new Map<string, Array<[bigint, bigint]>>();
  readonly nonConsecutive = new Map<string, Array<[bigint, bigint]>>();

  static add(map: Map<string, Array<[bigint, bigint]>>, file: string, pair: [bigint, bigint]): void {
    const list = map.get(file);
    if (list) list.push(pair);
    else map.set(file, [pair]);
  }

  get any(): boolean {
    return [
      this.indexMismatches,
      this.timeMismatches,
      this.timeOutOfOrder,
      this.timeNotFound,
      this.nonConsecutive,
    ].some((m) => m.size > 0);
  }

  lines(): string[] {
    const out: string[] = [];
    for (const [file, list] of this.indexMismatches) {
      out.push(`Mismatches in :${file}`);
      // Kafka prepends to a list, so the newest mismatch comes first.
      for (const [index, log] of [...list].reverse())
        out.push(`  Index offset: ${index}, log offset: ${log}`);
    }
    for (const [file, list] of this.timeMismatches) {
      out.push(`Found timestamp mismatch in :${file}`);
      for (const [index, log] of list) out.push(`  Index timestamp: ${index}, log timestamp: ${log}`);
    }
    for (const [file, list] of this.timeOutOfOrder) {
      out.push(`Found out of order timestamp in :${file}`);
      for (const [index, prev] of list)
        out.push(`  Index timestamp: ${index}, Previously indexed timestamp: ${prev}`);
    }
    for (const list of this.timeNotFound.values()) {
      out.push('The following indexed offsets are not found in the log.');
      for (const [index, log] of list) out.push(`Indexed offset: ${index}, found log offset: ${log}`);
    }
    for (const [file, list] of this.nonConsecutive) {
      out.push(`Non-consecutive offsets in ${file}`);
      for (const [first, second] of [...list].reverse()) out.push(`  ${first} is followed by ${second}`);
    }
    return out;
  }
}
