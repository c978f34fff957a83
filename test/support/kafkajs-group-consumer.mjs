// A kafkajs group consumer in its own process, so a test can SIGKILL it: a crash sends no
// LeaveGroup, and only the session timeout takes it out of the group.
// argv: bootstrap, groupId, topic. Prints "joined" once in the group and "msg <value>" per record.
import { Kafka, logLevel } from 'kafkajs';

const [bootstrap, groupId, topic] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'child', brokers: [bootstrap], logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({
  groupId,
  sessionTimeout: 6000,
  heartbeatInterval: 500,
  rebalanceTimeout: 10000,
});
consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write('joined\n'));
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  eachMessage: async ({ message }) => {
    process.stdout.write(`msg ${message.value.toString()}\n`);
  },
});
