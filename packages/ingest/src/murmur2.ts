/**
 * Kafka's default partitioner for keyed records (BuiltInPartitioner.partitionForKey): the 32-bit
 * murmur2 hash of the key with seed 0x9747b28c, made positive by masking the sign bit, modulo
 * the partition count. Same key, same partition as a Java, librdkafka (murmur2_random) or kafkajs
 * producer would pick, so ingest writes and client writes of one key stay in order together.
 */
const M = 0x5bd1e995;
const SEED = 0x9747b28c;

export function murmur2(data: Buffer): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const blocks = length >>> 2;
  for (let i = 0; i < blocks; i++) {
    let k = data.readInt32LE(i * 4);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = blocks * 4;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

export function partitionForKey(key: Buffer, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}
