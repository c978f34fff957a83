import { Gauge, type Registry } from 'prom-client';

/** One committed offset of a group beside the high watermark of its partition. */
export interface GroupOffsetSample {
  group: string;
  topic: string;
  partition: number;
  committedOffset: number;
  highWatermark: number;
}

/**
 * Consumer group lag, named as kafka_exporter (danielqsj/kafka_exporter, the exporter most Kafka
 * dashboards and alerts are written against) names it:
 * kafka_consumergroup_current_offset{consumergroup,topic,partition},
 * kafka_consumergroup_lag{consumergroup,topic,partition} (high watermark minus committed offset)
 * and kafka_consumergroup_lag_sum{consumergroup,topic}. Computed when /metrics is scraped, from
 * the coordinator's in-memory offsets and the logs' high watermarks: nothing on the commit or
 * fetch path. Classic and KIP-848 groups commit into the same store, so both are covered.
 */
export function registerGroupLag(registry: Registry, offsets: () => Iterable<GroupOffsetSample>): void {
  const registers = [registry];
  const perPartition = (name: string, help: string, value: (o: GroupOffsetSample) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['consumergroup', 'topic', 'partition'] as const,
      registers,
      collect() {
        this.reset();
        for (const o of offsets()) {
          this.set({ consumergroup: o.group, topic: o.topic, partition: String(o.partition) }, value(o));
        }
      },
    });
  perPartition(
    'kafka_consumergroup_current_offset',
    'Committed offset of the group on the partition',
    (o) => o.committedOffset,
  );
  perPartition(
    'kafka_consumergroup_lag',
    'High watermark of the partition minus the committed offset of the group',
    (o) => o.highWatermark - o.committedOffset,
  );
  new Gauge({
    name: 'kafka_consumergroup_lag_sum',
    help: 'Lag of the group summed over the partitions of the topic',
    labelNames: ['consumergroup', 'topic'] as const,
    registers,
    collect() {
      this.reset();
      for (const o of offsets()) {
        this.inc({ consumergroup: o.group, topic: o.topic }, o.highWatermark - o.committedOffset);
      }
    },
  });
}
