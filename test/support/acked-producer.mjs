// Produces numbered records one at a time with acks=all and prints `ack <n>` once each is
// acknowledged; exits at the first error (no retries, so an acknowledged record is written once).
import { Kafka, logLevel } from 'kafkajs';

const [bootstrap, topic] = process.argv.slice(2);
const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
const producer = kafka.producer({ allowAutoTopicCreation: true, retry: { retries: 0 } });
await producer.connect();
for (let n = 0; ; n++) {
  try {
    await producer.send({ topic, acks: -1, messages: [{ value: String(n) }] });
  } catch (err) {
    process.stdout.write(`error ${n} ${err.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`ack ${n}\n`);
}
