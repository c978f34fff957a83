import type { JavaDriver } from './java.js';

/** Main classes of Kafka 4.1.1's command-line tools, run by Tools.java (test/clients/java/src). */
export const TOOLS = 'org.apache.kafka.tools.';
/** kafka-consumer-groups.sh */
export const CONSUMER_GROUPS = `${TOOLS}consumer.group.ConsumerGroupCommand`;

export interface ToolRun {
  exit: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs Kafka's tools in a JVM started with JavaDriver.start('Tools'), each with --bootstrap-server
 * (read when the tool runs: a test may restart its broker on another port).
 */
export function kafkaTools(java: () => JavaDriver, bootstrap: () => string) {
  /** One tool run; a tool that returns without Exit.exit exited 0. */
  async function tool(main: string, args: string[], stdin = ''): Promise<ToolRun> {
    const [line] = await java().run('tool', main, stdin, '--bootstrap-server', bootstrap(), ...args);
    if (line?.error) throw new Error(`${main} ${args.join(' ')} threw ${line.error}\n${line.stderr}`);
    return {
      exit: (line!.exit as number | null) ?? 0,
      stdout: String(line!.stdout),
      stderr: String(line!.stderr),
    };
  }
  /** Like tool(), but the tool must exit 0; its stdout. */
  async function ok(main: string, args: string[], stdin = ''): Promise<string> {
    const run = await tool(main, args, stdin);
    if (run.exit !== 0) {
      throw new Error(`${main} ${args.join(' ')} exited ${run.exit}\n${run.stderr}\n${run.stdout}`);
    }
    return run.stdout;
  }
  return { tool, ok };
}

/** The rows of a whitespace-aligned table (kafka-consumer-groups), keyed by its header. */
export function table(text: string): Record<string, string>[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.trim().split(/\s+/) ?? [];
  return lines.slice(1).map((l) =>
    Object.fromEntries(
      l
        .trim()
        .split(/\s+/)
        .map((v, i) => [header[i], v]),
    ),
  );
}
