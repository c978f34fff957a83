/**
 * Apache Kafka for the comparison, through the shared helper test/support/apache-kafka.ts
 * (KRaft, every node broker+controller, on loopback, in a temp dir) with its 'kafka-defaults'
 * JVM profile: the heap and G1 flags of Kafka's own kafka-server-start.sh (-Xmx1G -Xms1G).
 * Two things the helper does not do are wrapped here: timing one start from the JVM's spawn,
 * and running the perf tools with the JVM's normal JIT (runKafkaClass uses the quick-start flags,
 * C1 only, which would slow the load generator down).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  kafkaDefaultJvmFlags,
  kafkaLib,
  kafkaLog4jConfig,
  runKafkaClass,
  type ServerProperties,
  startApacheKafka,
} from '../../test/support/apache-kafka.js';
import { firstAcceptedProduce } from './topics.js';

export { kafkaVersion } from '../../test/support/apache-kafka.js';

/** `java <heap> -cp <kafka>/lib/* <main> args…` for a tool main class (its own JVM, C2 JIT). */
export function javaArgs(main: string, args: string[], heap = ['-Xmx512m']): string[] {
  return [...heap, `-Dlog4j2.configurationFile=${kafkaLog4jConfig}`, '-cp', `${kafkaLib()}/*`, main, ...args];
}

export interface KafkaCluster {
  bootstrap: string;
  pids: number[];
  stop(): Promise<void>;
}

/** 1 or 3 nodes, ready (every node's Metadata lists every broker). */
export async function startKafka(nodes: 1 | 3, serverProperties: ServerProperties): Promise<KafkaCluster> {
  const k = await startApacheKafka({ nodes, serverProperties, jvm: 'kafka-defaults' });
  return {
    bootstrap: k.bootstrap,
    pids: k.nodes.map((n) => n.pid!),
    stop: () => k.stop({ removeFiles: true }),
  };
}

/**
 * ms from spawning `java … kafka.Kafka` (one node, on a freshly formatted log dir, formatted
 * beforehand and not counted) to its first accepted produce. Reuses a started-and-stopped
 * helper node's server.properties with a new log.dirs, so the settings are the same.
 */
export async function kafkaStartupMs(serverProperties: ServerProperties): Promise<number> {
  const k = await startApacheKafka({ nodes: 1, serverProperties, jvm: 'kafka-defaults' });
  const node = k.nodes[0]!;
  await k.stop();
  const logDir = join(k.dir, 'startup-data');
  mkdirSync(logDir, { recursive: true });
  const props = join(k.dir, 'startup.properties');
  writeFileSync(
    props,
    readFileSync(node.properties, 'utf8').replace(/^log\.dirs=.*$/m, `log.dirs=${logDir}`),
  );
  const format = await runKafkaClass('kafka.tools.StorageTool', ['format', '-t', k.clusterId, '-c', props]);
  if (format.code !== 0) throw new Error(`kafka-storage format: ${format.stdout}${format.stderr}`);
  const t0 = performance.now();
  const child = spawn('java', javaArgs('kafka.Kafka', [props], kafkaDefaultJvmFlags), { stdio: 'ignore' });
  try {
    const alive = () => child.exitCode === null && child.signalCode === null;
    return (await firstAcceptedProduce({ host: '127.0.0.1', port: node.port }, 'startup', alive)) - t0;
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await k.stop({ removeFiles: true });
  }
}
