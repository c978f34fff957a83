import type { Broker } from '@kilgore/broker';
import { ApiKey, ErrorCode, type MetadataResponse, ZERO_UUID } from '@kilgore/protocol';

export type TopicLayout =
  | { ok: true; partitions: number /** partitions this node leads, for unkeyed records */; local: number[] }
  | { ok: false; errorCode: number };

/** How long a topic's partition count is trusted (CreatePartitions can grow it meanwhile). */
const FRESH_MS = 10_000;

/**
 * Partition counts by topic, from Metadata through Broker.request as a producer would ask, with
 * auto-creation allowed: an unknown topic is created when auto.create.topics.enable is on, and
 * refused (UNKNOWN_TOPIC_OR_PARTITION) when it is off. Errors are not cached.
 */
export class TopicMetadata {
  private readonly known = new Map<string, { layout: TopicLayout; at: number }>();

  constructor(
    private readonly broker: Broker,
    private readonly principal: string,
  ) {}

  /** The cached layout if still fresh (a synchronous path keeps appends in arrival order). */
  fresh(topic: string): TopicLayout | undefined {
    const entry = this.known.get(topic);
    return entry !== undefined && Date.now() - entry.at < FRESH_MS ? entry.layout : undefined;
  }

  async lookup(topic: string): Promise<TopicLayout> {
    const res = await this.broker.request<MetadataResponse>(
      ApiKey.Metadata,
      12,
      {
        topics: [{ topicId: ZERO_UUID, name: topic }],
        allowAutoTopicCreation: true,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      },
      { principal: this.principal, clientId: 'kilgore-ingest' },
    );
    const t = res?.topics[0];
    if (t === undefined) return { ok: false, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR };
    if (t.errorCode !== ErrorCode.NONE || t.partitions.length === 0) {
      return { ok: false, errorCode: t.errorCode || ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    }
    const nodeId = this.broker.context.config.nodeId;
    const local = t.partitions.filter((p) => p.leaderId === nodeId).map((p) => p.partitionIndex);
    const layout: TopicLayout = { ok: true, partitions: t.partitions.length, local };
    this.known.set(topic, { layout, at: Date.now() });
    return layout;
  }
}
