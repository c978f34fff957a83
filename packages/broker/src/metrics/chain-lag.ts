import { Counter, Gauge, type Registry } from 'prom-client';

/** How far one downstream member of this node's chain is behind this node's log end. */
export interface ChainReplicaSample {
  chain: string;
  topic: string;
  partition: number;
  member: number;
  lagRecords: number;
}

/** This node's forwarding to its successor: messages answered and their round trips summed. */
export interface ChainForwardSample {
  chain: string;
  member: number;
  messages: number;
  seconds: number;
}

export interface ChainMetricsSource {
  replicas(): Iterable<ChainReplicaSample>;
  forwarding(): ChainForwardSample | undefined;
}

/**
 * Chain replication, read from the forwarder when /metrics is scraped (Kafka has no chains; its
 * nearest is kafka_server_replicafetchermanager_maxlag, one figure per broker):
 * kilgore_chain_replica_lag_records{chain,topic,partition,member}: records the member lacks of
 * this node's log end, reported by every node that forwards, for its successor and for the tail
 * (on the head of a 3-node chain: every member, against the head's log end);
 * kilgore_chain_forward_seconds_total / kilgore_chain_forward_messages_total{chain,member}: the
 * append round trips to the successor (a middle answers once the tail has the records), so
 * rate(seconds) / rate(messages) is the mean forward latency.
 */
export function registerChainLag(registry: Registry, source: ChainMetricsSource): void {
  const registers = [registry];
  new Gauge({
    name: 'kilgore_chain_replica_lag_records',
    help: "Records a downstream chain member lacks of this node's log end",
    labelNames: ['chain', 'topic', 'partition', 'member'] as const,
    registers,
    collect() {
      this.reset();
      for (const r of source.replicas()) {
        this.set(
          { chain: r.chain, topic: r.topic, partition: String(r.partition), member: String(r.member) },
          r.lagRecords,
        );
      }
    },
  });
  const forwardCounter = (name: string, help: string, pick: (f: ChainForwardSample) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['chain', 'member'] as const,
      registers,
      collect() {
        this.reset();
        const f = source.forwarding();
        if (f) this.inc({ chain: f.chain, member: String(f.member) }, pick(f));
      },
    });
  forwardCounter(
    'kilgore_chain_forward_seconds_total',
    'Time from sending appends to the successor to their answers, summed',
    (f) => f.seconds,
  );
  forwardCounter(
    'kilgore_chain_forward_messages_total',
    'Appends sent to the successor and answered',
    (f) => f.messages,
  );
}
