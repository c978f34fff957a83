/**
 * Client commands over kafkajs: `kilgore topics list|create`, `kilgore produce`, `kilgore
 * consume`. Each finds the cluster through --bootstrap-server or --bootstrap-srv.
 */
import { createInterface } from 'node:readline';
import { Command, InvalidArgumentError } from 'commander';
import { Kafka, logLevel } from 'kafkajs';
import {
  addBootstrapOptions,
  type BootstrapFlags,
  resolveBootstrap,
  UsageError,
} from './bootstrap-options.js';

async function client(flags: BootstrapFlags): Promise<Kafka> {
  const brokers = await resolveBootstrap(flags);
  return new Kafka({ clientId: 'kilgore-cli', brokers, logLevel: logLevel.NOTHING });
}

/** Runs a command body; a usage or connection problem is one line on stderr, not a stack. */
async function guard(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    process.stderr.write(`kilgore: ${(err as Error).message}\n`);
    process.exit(err instanceof UsageError ? 2 : 1);
  }
}

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function topicsCommand(): Command {
  const list = addBootstrapOptions(new Command('list').description('Print every topic, one a line')).action(
    (opts: BootstrapFlags) =>
      guard(async () => {
        const admin = (await client(opts)).admin();
        await admin.connect();
        try {
          for (const name of (await admin.listTopics()).sort()) process.stdout.write(`${name}\n`);
        } finally {
          await admin.disconnect();
        }
      }),
  );
  const create = addBootstrapOptions(new Command('create').description('Create a topic').argument('<topic>'))
    .option('--partitions <n>', 'number of partitions', positiveInt, 1)
    .action((topic: string, opts: BootstrapFlags & { partitions: number }) =>
      guard(async () => {
        const admin = (await client(opts)).admin();
        await admin.connect();
        try {
          const created = await admin.createTopics({
            topics: [{ topic, numPartitions: opts.partitions }],
            waitForLeaders: true,
          });
          process.stdout.write(created ? `created ${topic}\n` : `${topic} already exists\n`);
        } finally {
          await admin.disconnect();
        }
      }),
    );
  return new Command('topics').description('List or create topics').addCommand(list).addCommand(create);
}

interface ProduceFlags extends BootstrapFlags {
  topic: string;
  acks: string;
  keySeparator?: string;
}

export function produceCommand(): Command {
  return addBootstrapOptions(
    new Command('produce').description('Send each line of standard input as a record'),
  )
    .requiredOption('-t, --topic <topic>', 'the topic to write to')
    .option('--acks <acks>', 'all, 1 or 0', 'all')
    .option('--key-separator <text>', 'split each line into key and value at the first such text')
    .action((opts: ProduceFlags) =>
      guard(async () => {
        const acks = { all: -1, '-1': -1, '1': 1, '0': 0 }[opts.acks];
        if (acks === undefined) throw new UsageError(`--acks ${opts.acks}: expected all, 1 or 0`);
        const producer = (await client(opts)).producer({ allowAutoTopicCreation: true });
        await producer.connect();
        let sent = 0;
        try {
          for await (const line of createInterface({
            input: process.stdin,
            crlfDelay: Number.POSITIVE_INFINITY,
          })) {
            const at = opts.keySeparator === undefined ? -1 : line.indexOf(opts.keySeparator);
            const message =
              at < 0
                ? { value: line }
                : { key: line.slice(0, at), value: line.slice(at + (opts.keySeparator ?? '').length) };
            await producer.send({ topic: opts.topic, acks, messages: [message] });
            sent++;
          }
        } finally {
          await producer.disconnect();
        }
        process.stderr.write(`produced ${sent} record(s) to ${opts.topic}\n`);
      }),
    );
}

interface ConsumeFlags extends BootstrapFlags {
  topic: string;
  group?: string;
  fromBeginning?: boolean;
  maxMessages?: number;
  printKey?: boolean;
}

export function consumeCommand(): Command {
  return addBootstrapOptions(
    new Command('consume').description('Print the records of a topic, one value a line'),
  )
    .requiredOption('-t, --topic <topic>', 'the topic to read')
    .option('-g, --group <group>', 'consumer group (default: a new one each run)')
    .option('--from-beginning', 'start at the earliest offset when the group has none')
    .option('-n, --max-messages <n>', 'exit after this many records', positiveInt)
    .option('--print-key', 'print key<TAB>value')
    .action((opts: ConsumeFlags) =>
      guard(async () => {
        const kafka = await client(opts);
        const consumer = kafka.consumer({
          groupId: opts.group ?? `kilgore-cli-${process.pid}-${Date.now()}`,
        });
        await consumer.connect();
        await consumer.subscribe({ topic: opts.topic, fromBeginning: opts.fromBeginning === true });
        let seen = 0;
        await new Promise<void>((resolve, reject) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
          consumer
            .run({
              eachMessage: async ({ message }) => {
                const value = message.value?.toString() ?? '';
                process.stdout.write(
                  opts.printKey ? `${message.key?.toString() ?? ''}\t${value}\n` : `${value}\n`,
                );
                seen++;
                if (opts.maxMessages !== undefined && seen >= opts.maxMessages) resolve();
              },
            })
            .catch(reject);
        });
        await consumer.disconnect();
      }),
    );
}
