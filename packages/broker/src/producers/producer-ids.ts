/**
 * Hands out producer ids. One node has no controller to allocate id blocks from, so ids start
 * at the current time in milliseconds: they grow across restarts (unless the clock goes back)
 * and so never collide with the ids of producers still retrying against the previous run.
 */
export class ProducerIds {
  private next: bigint;

  constructor(now = Date.now()) {
    this.next = BigInt(now);
  }

  allocate(): bigint {
    return this.next++;
  }
}
