/** Topic creation and the start-up probe, spoken on the wire (the same requests to both brokers). */
import type { MetadataResponse } from '@kilgore/protocol';
import { sleep } from '../../test/support/cluster.js';
import { type Address, metadata, produceOnce, request } from '../../test/support/wire.js';

export function address(bootstrap: string): Address {
  const [host, port] = bootstrap.split(',')[0]!.split(':');
  return { host: host!, port: Number(port) };
}

interface CreateTopicsResponse {
  topics: { name: string; errorCode: number; errorMessage: string | null }[];
}

/**
 * CreateTopics v5, then waits until Metadata on `to` shows every partition with a leader.
 * replicationFactor -1: the broker's default (Kilgore: the chain).
 */
export async function createTopic(
  to: Address,
  name: string,
  partitions: number,
  replicationFactor = -1,
  configs: Record<string, string> = {},
): Promise<void> {
  const res = await request<CreateTopicsResponse>(
    to,
    19,
    5,
    {
      topics: [
        {
          name,
          numPartitions: partitions,
          replicationFactor,
          assignments: [],
          configs: Object.entries(configs).map(([k, value]) => ({ name: k, value })),
        },
      ],
      timeoutMs: 30_000,
      validateOnly: false,
    },
    35_000,
  );
  const t = res.topics[0];
  if (t && t.errorCode !== 0) throw new Error(`CreateTopics ${name}: error ${t.errorCode} ${t.errorMessage}`);
  for (let i = 0; ; i++) {
    const md = await metadata(to, [name]);
    const ps = md.topics[0]?.partitions ?? [];
    if (ps.length === partitions && ps.every((p) => p.leaderId >= 0 && p.errorCode === 0)) return;
    if (i > 600) throw new Error(`topic ${name}: partitions without a leader after 60 s`);
    await sleep(100);
  }
}

/**
 * Repeats (every 5 ms) Metadata with auto-creation, then one acks=1 Produce, until a produce is
 * accepted; resolves performance.now() at that moment. What "started" means for a client.
 */
export async function firstAcceptedProduce(
  to: Address,
  topic: string,
  alive: () => boolean = () => true,
  timeoutMs = 120_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive()) throw new Error(`the broker on ${to.host}:${to.port} exited while starting`);
    try {
      const md = await request<MetadataResponse>(
        to,
        3,
        12,
        { topics: [{ name: topic }], allowAutoTopicCreation: true },
        2000,
      );
      const p = md.topics[0]?.partitions?.[0];
      if (p && p.leaderId >= 0 && (await produceOnce(to, topic, 0, ['hello'], 1)) === 0)
        return performance.now();
    } catch {
      // not listening yet, or not ready
    }
    if (Date.now() > deadline)
      throw new Error(`no produce accepted by ${to.host}:${to.port} in ${timeoutMs} ms`);
    await sleep(5);
  }
}
