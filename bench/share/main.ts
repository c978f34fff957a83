/**
 * Share groups (KIP-932): records/s that three KafkaShareConsumers (Java client 4.1.1) take from
 * one partition of `kilgore serve`, beside one classic KafkaConsumer reading the same partition
 * in the same run (the baseline: plain fetches, no acquisition, no acknowledgements).
 *
 *   pnpm bench:share   (env: RECORDS=300000 RECORD_BYTES=100 CONSUMERS=3 RUNS=3)
 *
 * Each run uses a fresh share group over the same records; the medians are printed. Every run
 * also checks that each offset was delivered exactly once. Needs the build (npx tsc -b), a JDK 17+
 * and Kafka's jars (scripts/install-test-tools.sh). Broker, consumers and producer share this
 * machine's cores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerProcess } from '../../test/support/broker-process.js';
import { JavaDriver, one } from '../../test/support/java.js';

const env = (name: string, dflt: number) => Number(process.env[name] ?? dflt);
const RECORDS = env('RECORDS', 300_000);
const RECORD_BYTES = env('RECORD_BYTES', 100);
const CONSUMERS = env('CONSUMERS', 3);
const RUNS = env('RUNS', 3);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const logDir = mkdtempSync(join(tmpdir(), 'kilgore-bench-share-'));
const broker = await BrokerProcess.start(logDir, { 'group.share.auto.offset.reset': 'earliest' });
const java = JavaDriver.start('ShareGroups');
try {
  const topic = 'bench-share';
  const produced = one(
    await java.run('benchProduce', broker.bootstrap, topic, RECORDS, RECORD_BYTES),
    'produced',
  );
  console.error(
    `produced ${fmt(RECORDS)} records of ${RECORD_BYTES} B in ${(produced.seconds as number).toFixed(1)} s`,
  );
  const share: number[] = [];
  const classic: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const c = one(await java.run('benchClassic', broker.bootstrap, topic, RECORDS), 'classic');
    classic.push(c.recordsPerSecond as number);
    const s = one(
      await java.run('benchShare', broker.bootstrap, topic, `bench-g${run}`, RECORDS, CONSUMERS),
      'share',
    );
    if ((s.errors as string[]).length > 0 || s.exactlyOnce !== RECORDS) {
      throw new Error(
        `run ${run}: share consumers did not get every record exactly once: ${JSON.stringify(s)}`,
      );
    }
    share.push(s.recordsPerSecond as number);
    console.error(
      `run ${run + 1}/${RUNS}: share ${fmt(share[run]!)} records/s, classic ${fmt(classic[run]!)} records/s`,
    );
  }
  console.log(
    `\nShare groups, ${fmt(RECORDS)} records of ${RECORD_BYTES} B on one partition, ${cpus().length} cores, median of ${RUNS}\n`,
  );
  console.log('| consumers | records/s | vs classic |');
  console.log('|---|---|---|');
  console.log(
    `| ${CONSUMERS} KafkaShareConsumer, one share group | ${fmt(median(share))} | ${(median(share) / median(classic)).toFixed(2)} |`,
  );
  console.log(`| 1 classic KafkaConsumer (assign, baseline) | ${fmt(median(classic))} | 1.00 |`);
} finally {
  await java.stop();
  await broker.stop();
  rmSync(logDir, { recursive: true, force: true });
}
