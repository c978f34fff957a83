import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaLib } from './apache-kafka.js';

/**
 * The Java side of the compatibility tests: Apache Kafka's jars (fetched by scripts/fetch-kafka.sh
 * into a cache outside git; kafkaLib() from apache-kafka.ts finds them), the programs in test/clients/java/src compiled once per source hash,
 * and a JVM that runs scenarios on request: one JSON array per stdin line (`["name", ...args]`),
 * answered by JSON lines on stdout ending in `{"done": name}` or `{"failed": name, "error": ...}`.
 * One JVM serves a whole test file, so the start-up (~1 s) is paid once.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const javaDir = join(root, 'test/clients/java');
const cache = process.env.KILGORE_CACHE ?? join(homedir(), '.cache/kilgore');
const install =
  'install a JDK 17+ and Maven (Debian: openjdk-17-jdk-headless maven), or run bash scripts/install-test-tools.sh';

function requireJdk(): void {
  for (const tool of ['java', 'javac']) {
    const probe = spawnSync(tool, ['-version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) throw new Error(`${tool} not found on PATH: ${install}`);
  }
}

let classesDir: string | undefined;

/**
 * Compiles every .java file in test/clients/java/src against Kafka's jars into a cache dir keyed by
 * the sources' hash and the jar dir, so a second run (or a second test file) compiles nothing.
 * Test files running in parallel may both compile; each writes its own dir and one rename wins.
 */
export function compileJavaClients(): string {
  if (classesDir) return classesDir;
  requireJdk();
  const lib = kafkaLib();
  const srcDir = join(javaDir, 'src');
  const sources = readdirSync(srcDir)
    .filter((f) => f.endsWith('.java'))
    .sort();
  const hash = createHash('sha256').update(lib);
  for (const f of sources) hash.update(f).update(readFileSync(join(srcDir, f)));
  const out = join(cache, 'java-classes', hash.digest('hex').slice(0, 16));
  if (!existsSync(out)) {
    mkdirSync(join(cache, 'java-classes'), { recursive: true });
    const tmp = mkdtempSync(`${out}.partial-`);
    const javac = spawnSync(
      'javac',
      ['-nowarn', '-encoding', 'UTF-8', '-cp', `${lib}/*`, '-d', tmp, ...sources.map((f) => join(srcDir, f))],
      { encoding: 'utf8' },
    );
    if (javac.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`javac failed (${javac.error?.message ?? `exit ${javac.status}`}):\n${javac.stderr}`);
    }
    try {
      renameSync(tmp, out);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another test file's compile won
    }
    // Builds of older sources go once nothing has used them for a day.
    const classes = join(cache, 'java-classes');
    for (const old of readdirSync(classes)) {
      const path = join(classes, old);
      if (path !== out && Date.now() - statSync(path).mtimeMs > 86_400_000) {
        rmSync(path, { recursive: true, force: true });
      }
    }
  }
  utimesSync(out, new Date(), new Date());
  classesDir = out;
  return out;
}

/** A quiet log4j2 config (warnings and errors to stderr) for clients, tools and Streams. */
export const log4jConfig = join(javaDir, 'log4j2-quiet.properties');

/** JVM flags that start fast: C1 only, the CDS archive, the serial collector. */
export const fastJvmFlags = ['-XX:TieredStopAtLevel=1', '-Xshare:auto', '-XX:+UseSerialGC', '-Xss1m'];

export type JavaLine = Record<string, unknown>;

/** `java`'s arguments to run `mainClass` of test/clients/java/src with Kafka's jars and quiet logs. */
export function javaArgs(mainClass: string, args: string[] = [], jvmFlags: string[] = []): string[] {
  return [
    ...fastJvmFlags,
    `-Dlog4j2.configurationFile=${log4jConfig}`,
    `-Dkilgore.java.log=${process.env.KILGORE_JAVA_LOG ?? 'warn'}`,
    ...jvmFlags,
    '-cp',
    `${compileJavaClients()}:${kafkaLib()}/*`,
    mainClass,
    ...args,
  ];
}

interface Pending {
  name: string;
  lines: JavaLine[];
  resolve(lines: JavaLine[]): void;
  reject(err: Error): void;
}

/** One JVM running a scenario program (a main class in test/clients/java/src). */
export class JavaDriver {
  private buffered = '';
  private stderr = '';
  private queue: Pending[] = [];
  private exited: string | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onData(chunk));
    child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-20_000);
    });
    child.on('exit', (code, signal) => {
      this.exited = `the JVM exited (${signal ?? `code ${code}`})`;
      for (const p of this.queue.splice(0)) p.reject(new Error(`${p.name}: ${this.exited}\n${this.stderr}`));
    });
  }

  /** Starts `java <mainClass>` with Kafka's jars and the compiled programs on the class path. */
  static start(mainClass: string, jvmFlags: string[] = []): JavaDriver {
    return new JavaDriver(
      spawn('java', javaArgs(mainClass, [], jvmFlags), { stdio: ['pipe', 'pipe', 'pipe'] }),
    );
  }

  /** The JVM's recent stderr (client warnings), for failure messages. */
  get log(): string {
    return this.stderr;
  }

  /**
   * Runs one scenario and resolves the JSON lines it printed (without the final done line).
   * A scenario that throws rejects with its Java stack trace and the JVM's recent stderr.
   */
  run(name: string, ...args: (string | number)[]): Promise<JavaLine[]> {
    if (this.exited) return Promise.reject(new Error(`${name}: ${this.exited}\n${this.stderr}`));
    return new Promise((resolve, reject) => {
      this.queue.push({ name, lines: [], resolve, reject });
      this.child.stdin.write(`${JSON.stringify([name, ...args.map(String)])}\n`);
    });
  }

  private onData(chunk: string): void {
    this.buffered += chunk;
    let nl = this.buffered.indexOf('\n');
    while (nl >= 0) {
      const text = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      nl = this.buffered.indexOf('\n');
      if (text.trim() === '') continue;
      const current = this.queue[0];
      let line: JavaLine;
      try {
        line = JSON.parse(text) as JavaLine;
      } catch {
        current?.lines.push({ unparsed: text });
        continue;
      }
      if (!current) continue;
      if (line.done === current.name) {
        this.queue.shift();
        current.resolve(current.lines);
      } else if (line.failed === current.name) {
        this.queue.shift();
        current.reject(
          new Error(
            `Java scenario ${current.name} failed: ${line.error}\n--- JVM stderr ---\n${this.stderr}`,
          ),
        );
      } else {
        current.lines.push(line);
      }
    }
  }

  /** SIGKILL: a crash, so its clients send no LeaveGroup and nothing else; resolves once it is gone. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await done;
  }

  /** Closes stdin (the program's loop ends) and waits for the JVM; kills it after 10 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(timer);
  }
}

/** The lines of a scenario's output whose `step` (or other key) is `value`; exactly one expected. */
export function one(lines: JavaLine[], value: string, key = 'step'): JavaLine {
  const found = lines.filter((l) => l[key] === value);
  if (found.length !== 1) {
    throw new Error(`expected one line with ${key}=${value}, got ${found.length}: ${JSON.stringify(lines)}`);
  }
  return found[0]!;
}

/** A Kafka command-line tool's run in the shared JVM. */
export interface ToolRun {
  exit: number;
  stdout: string;
  stderr: string;
}

/** Runs one Kafka tool (its main class) in `java`; a tool that returns without Exit.exit exited 0. */
export async function runTool(java: JavaDriver, main: string, args: string[], stdin = ''): Promise<ToolRun> {
  const [line] = await java.run('tool', main, stdin, ...args);
  if (line?.error) throw new Error(`${main} ${args.join(' ')} threw ${line.error}\n${line.stderr}`);
  return {
    exit: (line!.exit as number | null) ?? 0,
    stdout: String(line!.stdout),
    stderr: String(line!.stderr),
  };
}
