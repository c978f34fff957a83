/**
 * Hands out producer ids. One node has no controller to allocate id blocks from, so ids start
 * at the current time in milliseconds: they grow across restarts (unless the clock goes back)
 * and so never collide with the ids of producers still retrying against the previous run.
 *
 * Under chain replication several nodes hand out ids (each head of a chain, and a new head after
 * a change) while producer state moves with the log: `nodeId` then makes the ids of different
 * nodes disjoint (time * 1024 + node id % 1024, stepping by 1024).
 */
export class ProducerIds {
  private next: bigint;
  private readonly step: bigint;

  constructor(now = Date.now(), nodeId?: number) {
    if (nodeId === undefined) {
      this.next = BigInt(now);
      this.step = 1n;
    } else {
      this.next = BigInt(now) * 1024n + BigInt(nodeId % 1024);
      this.step = 1024n;
    }
  }

  allocate(): bigint {
    const id = this.next;
    this.next += this.step;
    return id;
  }
}
