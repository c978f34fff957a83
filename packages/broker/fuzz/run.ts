import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { DecodeError, decodeRequest, UnsupportedVersionError } from '@kilgore/protocol';
import { CloseConnection, type Reply } from '../src/server/connection.js';
import { type FuzzBroker, startFuzzBroker } from './fuzz-broker.js';
import { type MutationKind, mutate } from './mutate.js';
import { Rng } from './rng.js';
import { buildSeeds, freshRequests } from './seeds.js';
import { Watchdog } from './watchdog.js';

export interface FuzzOptions {
  /** Inputs to generate. */
  count: number;
  /** PRNG seed: the same seed and count give the same inputs. */
  seed: number;
  /** One input in this many also goes over a real TCP connection (0: none). Default 200. */
  tcpEvery?: number;
  /** Inputs per broker lifetime; the broker is then stopped (answering parked requests) and replaced. */
  perBroker?: number;
  /**
   * Kill the process, printing the input, when no input completes for this long (a handler that
   * never yields). Default 0: off (tests have their own timeouts); `pnpm fuzz` uses 30 s.
   */
  hangMs?: number;
  /** Progress lines, e.g. console.log, every `progressEvery` inputs (default 100,000). */
  progress?: (line: string) => void;
  progressEvery?: number;
}

/** An input that made something throw what it must not. */
export interface FuzzCrash {
  target: 'decode' | 'router' | 'tcp' | 'unhandled';
  index: number;
  mutation: MutationKind;
  error: string;
  inputHex: string;
}

export interface FuzzReport {
  inputs: number;
  seconds: number;
  inputsPerSecond: number;
  seeds: number;
  /** decode target: decoded / decode-error / unsupported; router: answer / close / silent (acks=0). */
  outcomes: Record<string, number>;
  mutations: Record<string, number>;
  crashes: FuzzCrash[];
  /** The first input (hex) of each TCP outcome that is neither an answer nor a close, to look at. */
  waitingSamples: Record<string, string>;
  /** Heap used (MB) after the seeds and first broker, at the peak between brokers, and at the end. */
  heapStartMB: number;
  heapPeakMB: number;
  heapEndMB: number;
}

/** Requests still unanswered above this many: the broker is replaced early (parked requests answer then). */
const MAX_PENDING = 2000;
const MAX_CRASHES_KEPT = 20;

/**
 * Feeds mutated request frames (a) to the protocol's decodeRequest and (b) to a real broker's
 * router, in process, and a share of them (c) over TCP. A crash is anything thrown other than the
 * documented DecodeError / UnsupportedVersionError (decoder) or CloseConnection (router), an
 * unhandled rejection, or an answer that is not a well-formed response frame for the request.
 */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const rng = new Rng(opts.seed);
  const seeds = buildSeeds(rng, 3);
  const fresh = freshRequests();
  const tcpEvery = opts.tcpEvery ?? 200;
  const trace = process.env.FUZZ_TRACE;
  const perBroker = opts.perBroker ?? 100_000;
  const outcomes: Record<string, number> = {};
  const mutations: Record<string, number> = {};
  const crashes: FuzzCrash[] = [];
  const waitingSamples: Record<string, string> = {};
  let crashCount = 0;
  const count = (name: string) => {
    outcomes[name] = (outcomes[name] ?? 0) + 1;
  };
  const crash = (c: Omit<FuzzCrash, 'inputHex'> & { input: Buffer }) => {
    crashCount++;
    count(`crash:${c.target}`);
    if (crashes.length < MAX_CRASHES_KEPT) {
      const { input, ...rest } = c;
      crashes.push({ ...rest, inputHex: input.toString('hex') });
    }
  };
  const onUnhandled = (err: unknown) =>
    crash({ target: 'unhandled', index: -1, mutation: 'none', error: describe(err), input: Buffer.alloc(0) });
  process.on('unhandledRejection', onUnhandled);

  const watchdog = opts.hangMs ? await Watchdog.start(opts.hangMs) : undefined;
  let fb: FuzzBroker = await startFuzzBroker();
  /** Requests the router has not answered yet, with their input (reported if never answered). */
  const pending = new Map<Promise<void>, { index: number; mutation: MutationKind; input: Buffer }>();
  const tcpPending = new Set<Promise<void>>();
  const heapStartMB = heapMB();
  let heapPeakMB = heapStartMB;
  const started = performance.now();
  try {
    for (let i = 0; i < opts.count; i++) {
      if ((i > 0 && i % perBroker === 0) || pending.size > MAX_PENDING) {
        await Promise.all(tcpPending); // their sockets go to this broker
        fb = await replace(fb, pending, crash);
        heapPeakMB = Math.max(heapPeakMB, heapMB());
      }
      // One in five: a fresh well-formed request (reaches a handler); else a mutated seed.
      const made = rng.chance(0.2) ? fresh(rng) : null;
      const { input, kind } = made
        ? { input: made, kind: 'fresh' as const }
        : mutate(rng.pick(seeds), seeds, rng);
      mutations[kind] = (mutations[kind] ?? 0) + 1;

      watchdog?.beat(i, input);
      // FUZZ_TRACE=<file> keeps the input being processed in that file (to replay a hang by hand).
      if (trace) writeFileSync(trace, `${i} ${kind} ${input.toString('hex')}\n`);
      // (a) the decoder alone
      try {
        decodeRequest(input);
        count('decode:ok');
      } catch (err) {
        if (err instanceof DecodeError) count('decode:error');
        else if (err instanceof UnsupportedVersionError) count('decode:unsupported');
        else crash({ target: 'decode', index: i, mutation: kind, error: describe(err), input });
      }

      // (b) the broker's router and handlers
      const correlationId = input.length >= 8 ? input.readInt32BE(4) : 0;
      const judge = (reply: Reply) => {
        const bad = malformedReply(reply, correlationId, input);
        if (bad) crash({ target: 'router', index: i, mutation: kind, error: bad, input });
        else count(reply === null ? 'router:silent' : 'router:answer');
      };
      const fail = (err: unknown) => {
        if (err instanceof CloseConnection) count('router:close');
        else crash({ target: 'router', index: i, mutation: kind, error: describe(err), input });
      };
      try {
        const result = fb.route(input, fb.connection);
        if (result instanceof Promise) {
          const p: Promise<void> = result.then(judge, fail).finally(() => pending.delete(p));
          pending.set(p, { index: i, mutation: kind, input });
        } else {
          judge(result);
        }
      } catch (err) {
        fail(err);
      }

      // (c) a share over a real socket
      if (tcpEvery > 0 && i % tcpEvery === 0) {
        // Alternately the plain listener and the SASL one (where the input meets the auth gate).
        const sasl = (i / tcpEvery) % 2 === 1;
        const p: Promise<void> = overTcp(sasl ? fb.saslPort : fb.port, input).then(
          (o) => {
            const name = `${sasl ? 'tcp-sasl' : 'tcp'}:${o}`;
            count(name);
            if (o === 'waiting') waitingSamples[name] ??= input.toString('hex');
          },
          (err) => crash({ target: 'tcp', index: i, mutation: kind, error: describe(err), input }),
        );
        const tracked = p.finally(() => tcpPending.delete(tracked));
        tcpPending.add(tracked);
        if (tcpPending.size >= 16) await Promise.race(tcpPending);
      }

      // Let the event loop run now and then (async handlers, timers, sockets).
      if (i % 256 === 255) await new Promise<void>((r) => setImmediate(r));
      if (opts.progress && i > 0 && i % (opts.progressEvery ?? 100_000) === 0) {
        const s = (performance.now() - started) / 1000;
        const topics = fb.broker.context.topics.list();
        opts.progress(
          `${i} inputs, ${Math.round(i / s)}/s, crashes ${crashCount}, heap ${heapMB().toFixed(0)} MB, ` +
            `pending ${pending.size}, topics ${topics.length} (${topics.reduce((n, t) => n + t.partitions, 0)} partitions)`,
        );
      }
    }
    await Promise.all(tcpPending);
  } finally {
    await settle(fb, pending, crash);
    process.off('unhandledRejection', onUnhandled);
    await watchdog?.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    inputs: opts.count,
    seconds,
    inputsPerSecond: Math.round(opts.count / seconds),
    seeds: seeds.length,
    outcomes,
    mutations,
    crashes,
    waitingSamples,
    heapStartMB,
    heapPeakMB: Math.max(heapPeakMB, heapMB()),
    heapEndMB: heapMB(),
  };
}

type Pending = Map<Promise<void>, { index: number; mutation: MutationKind; input: Buffer }>;
type CrashFn = (c: Omit<FuzzCrash, 'inputHex'> & { input: Buffer }) => void;

/** How long a stopped broker gets to answer what it still holds. */
const SETTLE_MS = 10_000;

/** Stops the broker (parked fetches and joins answer at once), waits for every answer, starts anew. */
async function replace(fb: FuzzBroker, pending: Pending, crash: CrashFn): Promise<FuzzBroker> {
  await settle(fb, pending, crash);
  return startFuzzBroker();
}

/** Stops the broker; a request still unanswered SETTLE_MS later is a crash ("never answered"). */
async function settle(fb: FuzzBroker, pending: Pending, crash: CrashFn): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), SETTLE_MS);
  });
  const stopped = await Promise.race([fb.stop().then(() => 'stopped' as const), timeout]);
  if (stopped === 'timeout') {
    crash({
      target: 'router',
      index: -1,
      mutation: 'none',
      error: 'the broker did not stop',
      input: Buffer.alloc(0),
    });
  }
  const answered = await Promise.race([Promise.all(pending.keys()).then(() => 'answered' as const), timeout]);
  clearTimeout(timer);
  if (answered === 'timeout') {
    for (const p of pending.values()) {
      crash({ ...p, target: 'router', error: 'never answered, even after the broker stopped' });
    }
    pending.clear();
  }
}

/** Why a reply is not a response frame for the request (size prefix, correlation id), or null. */
function malformedReply(reply: Reply, correlationId: number, input: Buffer): string | null {
  if (reply === null) {
    // Only Produce (acks=0) may go unanswered.
    return input.readInt16BE(0) === 0 ? null : 'no response to a request other than Produce';
  }
  let size = 0;
  for (const b of reply) size += b.length;
  const head = reply[0]!.length >= 8 ? reply[0]! : Buffer.concat(reply as Buffer[]);
  if (size < 8 || head.readInt32BE(0) !== size - 4)
    return `response size prefix ${head.readInt32BE(0)} for ${size - 4} bytes`;
  if (head.readInt32BE(4) !== correlationId)
    return `response correlation id ${head.readInt32BE(4)}, request ${correlationId}`;
  return null;
}

/**
 * Sends one frame on a fresh connection. 'answer': a response came; 'close': the broker closed
 * it; 'waiting': nothing within the wait (a parked Fetch or JoinGroup may legitimately wait).
 */
function overTcp(port: number, input: Buffer): Promise<'answer' | 'close' | 'waiting'> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const size = Buffer.alloc(4);
    size.writeInt32BE(input.length);
    let got = 0;
    const done = (o: 'answer' | 'close' | 'waiting') => {
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done('waiting'), 1000);
    socket.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= 4) done('answer');
    });
    socket.on('close', () => done('close'));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // The broker closing on us mid-write is an answer ("close"), not a failure.
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') done('close');
      else {
        clearTimeout(timer);
        reject(err);
      }
    });
    socket.write(Buffer.concat([size, input]));
  });
}

function describe(err: unknown): string {
  return err instanceof Error
    ? `${err.name}: ${err.message}\n${err.stack?.split('\n').slice(1, 6).join('\n')}`
    : String(err);
}

function heapMB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}
