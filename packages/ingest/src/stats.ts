/** Counters of one ingest server since it started (also in its shutdown log line). */
export interface IngestStats {
  connections: number;
  /** Messages read from sockets (good frames only). */
  received: number;
  /** Messages in batches the broker accepted. */
  appended: number;
  /** Messages dropped: bad frames, refused topics, failed appends. */
  dropped: number;
  /** Produce requests (one record batch per topic-partition each). */
  batches: number;
  /** Times a socket stopped being read because kilgore.ingest.buffer.bytes were waiting. */
  pauses: number;
}

export function emptyStats(): IngestStats {
  return { connections: 0, received: 0, appended: 0, dropped: 0, batches: 0, pauses: 0 };
}
