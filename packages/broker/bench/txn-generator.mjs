// The transactional bench's producer, in a worker thread (plain JavaScript: worker threads on
// Node 20 do not inherit the TypeScript loader). One connection, one producer id, as a Kafka
// producer has per broker: each Produce carries one batch per partition, `inflight` of them
// outstanding, acks=all. Idempotent mode: InitProducerId without a transactional id, sequences
// per partition. Transactional mode besides: AddPartitionsToTxn for every partition at the start
// of each transaction, and every `commitMs` the producer stops sending, waits for its in-flight
// batches (what commitTransaction's flush does) and sends EndTxn(commit). The batches are
// encoded once; each request is a copy with its correlation id, sequences and CRCs patched.
import { connect } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import {
  BatchOffsets,
  crc32c,
  decodeResponse,
  encodeRecordBatchSync,
  encodeRequest,
  FrameSplitter,
} from '@kilgore/protocol';

parentPort.postMessage(await generate(workerData));

async function generate({
  port,
  topic,
  partitions,
  seconds,
  warmup,
  inflight,
  perBatch,
  recordSize,
  transactional,
  commitMs,
}) {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise((r) => socket.once('connect', r));
  const splitter = new FrameSplitter({ maxFrameSize: 1 << 30 });
  const waiting = new Map();
  let nextId = 1;
  socket.on('data', (chunk) => {
    for (const frame of splitter.push(chunk)) {
      const id = frame.readInt32BE(0);
      const w = waiting.get(id);
      waiting.delete(id);
      w?.(frame);
    }
  });
  const call = (apiKey, apiVersion, body) =>
    new Promise((resolve) => {
      const correlationId = nextId++;
      waiting.set(correlationId, (frame) => resolve(decodeResponse(apiKey, apiVersion, frame).body));
      for (const c of encodeRequest({
        header: { apiKey, apiVersion, correlationId, clientId: 'bench-txn' },
        body,
      }))
        socket.write(c);
    });
  const fail = (what, code) => {
    throw new Error(`${what} failed with error code ${code}`);
  };

  const transactionalId = transactional ? `bench-${process.pid}-${Date.now()}` : null;
  const init = await call(22, 4, {
    transactionalId,
    transactionTimeoutMs: 60000,
    producerId: -1n,
    producerEpoch: -1,
  });
  if (init.errorCode !== 0) fail('InitProducerId', init.errorCode);
  const { producerId, producerEpoch } = init;
  const txn = { transactionalId, producerId, producerEpoch };

  // One Produce frame with a batch per partition; where each batch starts in it.
  const value = Buffer.alloc(recordSize, 'x');
  const batch = encodeRecordBatchSync({
    producerId,
    producerEpoch,
    baseSequence: 0,
    isTransactional: transactional,
    records: Array.from({ length: perBatch }, () => ({ value })),
  });
  const template = Buffer.concat(
    encodeRequest({
      header: { apiKey: 0, apiVersion: 7, correlationId: 0, clientId: 'bench-txn' },
      body: {
        transactionalId,
        acks: -1,
        timeoutMs: 30000,
        topicData: [
          {
            name: topic,
            partitionData: Array.from({ length: partitions }, (_, index) => ({ index, records: batch })),
          },
        ],
      },
    }),
  );
  const starts = [];
  for (let at = template.indexOf(batch); at >= 0; at = template.indexOf(batch, at + batch.length))
    starts.push(at);
  let sequence = 0; // the same on every partition: each request adds one batch to each

  const produceLatencies = [];
  const commitLatencies = [];
  let records = 0;
  let commits = 0;
  const t0 = performance.now();
  const measureFrom = t0 + warmup * 1000;
  const end = measureFrom + seconds * 1000;
  const addAll = async () => {
    const r = await call(24, 3, {
      v3AndBelowTransactionalId: transactionalId,
      v3AndBelowProducerId: producerId,
      v3AndBelowProducerEpoch: producerEpoch,
      v3AndBelowTopics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, p) => p) }],
    });
    for (const t of r.resultsByTopicV3AndBelow)
      for (const p of t.resultsByPartition)
        if (p.partitionErrorCode !== 0) fail('AddPartitionsToTxn', p.partitionErrorCode);
  };
  const produce = () => {
    const frame = Buffer.from(template);
    const correlationId = nextId++;
    frame.writeInt32BE(correlationId, 8);
    for (const at of starts) {
      frame.writeInt32BE(sequence, at + BatchOffsets.baseSequence);
      frame.writeUInt32BE(
        crc32c(frame.subarray(at + BatchOffsets.attributes, at + batch.length)),
        at + BatchOffsets.crc,
      );
    }
    sequence += perBatch;
    const sentAt = performance.now();
    return new Promise((resolve, reject) => {
      waiting.set(correlationId, (res) => {
        const body = decodeResponse(0, 7, res).body;
        for (const t of body.responses)
          for (const p of t.partitionResponses)
            if (p.errorCode !== 0) return reject(new Error(`Produce error ${p.errorCode}`));
        const now = performance.now();
        if (sentAt >= measureFrom && now <= end) {
          records += perBatch * partitions;
          produceLatencies.push(now - sentAt);
        }
        resolve();
      });
      socket.write(frame);
    });
  };

  // Closed loop: `inflight` Produce requests outstanding; in transactional mode, each commitMs
  // the window drains and EndTxn commits before the next transaction starts.
  while (performance.now() < end) {
    if (transactional) await addAll();
    const txnEnds = transactional ? performance.now() + commitMs : end;
    const outstanding = new Set();
    while (performance.now() < Math.min(txnEnds, end)) {
      while (outstanding.size < inflight) {
        const p = produce().finally(() => outstanding.delete(p));
        outstanding.add(p);
      }
      await Promise.race(outstanding);
    }
    await Promise.all(outstanding);
    if (transactional) {
      const at = performance.now();
      const r = await call(26, 3, { ...txn, committed: true });
      if (r.errorCode !== 0) fail('EndTxn', r.errorCode);
      if (at >= measureFrom) {
        commits++;
        commitLatencies.push(performance.now() - at);
      }
    }
  }
  socket.destroy();
  return { records, seconds, commits, produceLatencies, commitLatencies };
}
