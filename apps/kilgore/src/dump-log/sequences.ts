/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap at Int32 max back to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > 0x7fffffff - increment) return increment - (0x7fffffff - sequence) - 1;
  return sequence + increment;
}

/** The sequence of the record `delta` into a batch starting at `base`; -1 (none) stays -1. */
export function sequenceAt(base: number, delta: number): number {
  return base === -1 ? -1 : incrementSequence(base, delta);
}
