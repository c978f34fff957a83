/**
 * Per-hop timing for performance diagnosis, off unless KILGORE_CHAIN_TRACE=1: once a second a
 * node writes to stderr, per direction, how many ChainAppend messages went through, their mean
 * size and entry count, and where their time went (sender: round trip and messages in flight;
 * receiver: local append, then the wait for the successor's ack). One line a second, no per
 * message output, so tracing does not change what it measures by much.
 */
export const TRACE_ENABLED = process.env.KILGORE_CHAIN_TRACE === '1';

interface Totals {
  [field: string]: number;
}

class Window {
  #sums: Totals = {};
  #count = 0;
  #since = performance.now();

  constructor(readonly label: string) {}

  add(values: Totals): void {
    this.#count++;
    for (const [k, v] of Object.entries(values)) this.#sums[k] = (this.#sums[k] ?? 0) + v;
    const now = performance.now();
    if (now - this.#since < 1000) return;
    const means = Object.entries(this.#sums)
      .map(([k, v]) => `${k} ${(v / this.#count).toFixed(2)}`)
      .join(' ');
    process.stderr.write(
      `CHAIN_TRACE ${this.label} msgs/s ${((this.#count * 1000) / (now - this.#since)).toFixed(0)} mean ${means}\n`,
    );
    this.#sums = {};
    this.#count = 0;
    this.#since = now;
  }
}

/** Messages this node sent to its successor: bytes, entries, round trip (ms), in flight at send. */
export function traceSent(nodeId: number): Window {
  return new Window(`node ${nodeId} sent`);
}

/** Messages this node received: append (ms) and wait for the successor's ack (ms). */
export function traceReceived(nodeId: number): Window {
  return new Window(`node ${nodeId} received`);
}
