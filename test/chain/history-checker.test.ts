import { describe, expect, it } from 'vitest';
import { checkHistory, type Observation, type Outcome, type Write } from '../support/history.js';
import { classifySendError } from '../support/workload.js';

// The checker proves the chain tests' claims only if it catches what it claims to catch: each
// kind of broken history below must be reported, and a correct one must pass.

function w(seq: number, outcome: Outcome, producer = 'p0', partition = 0): Write {
  return {
    topic: 't',
    partition,
    producer: `${producer}/${partition}`,
    seq,
    value: `${producer}/${partition}/${seq}`,
    outcome,
  };
}

/** A log holding these writes' values at offsets 0, 1, 2, ... */
function log(source: string, partitionLogs: Record<string, Write[]>): Observation {
  return {
    source,
    partitions: new Map(
      Object.entries(partitionLogs).map(([k, ws]) => [
        k,
        ws.map((x, offset) => ({ offset, value: x.value })),
      ]),
    ),
  };
}

const a0 = w(0, 'acked');
const a1 = w(1, 'acked');
const a2 = w(2, 'acked');
const u3 = w(3, 'unknown');
const f4 = w(4, 'failed');
const history = [a0, a1, a2, u3, f4];

describe('history checker', () => {
  it('passes a correct history: acked everywhere once, unknown landed or not, shorter logs are prefixes', () => {
    const r = checkHistory(history, [
      log('node 1', { 't-0': [a0, a1, a2, u3] }),
      log('node 2', { 't-0': [a0, a1, a2, u3] }),
      log('node 3', { 't-0': [a0, a1, a2] }),
    ]);
    expect(r.violations).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.summary).toContain('5 writes (3 acked, 1 failed, 1 unknown of which 1 landed)');
  });

  it('catches a lost acknowledged write', () => {
    const r = checkHistory(history, [log('node 1', { 't-0': [a0, a2] })]);
    expect(r.ok).toBe(false);
    expect(r.violations.join('\n')).toContain('acked write lost');
    expect(r.violations.join('\n')).toContain('p0/0/1 is missing');
  });

  it('catches a lost partition (a node without the folder at all)', () => {
    const r = checkHistory(history, [log('node 1', { 't-0': [a0, a1, a2] }), log('node 2', {})]);
    expect(r.violations.join('\n')).toMatch(/acked write lost: 3/);
  });

  it('catches duplication, of an acked and of an unknown write', () => {
    const acked = checkHistory(history, [
      {
        source: 'n',
        partitions: new Map([['t-0', [a0, a1, a2, a1].map((x, offset) => ({ offset, value: x.value }))]]),
      },
    ]);
    expect(acked.violations.join('\n')).toContain('p0/0/1 appears 2 times');
    const unknown = checkHistory(history, [log('n', { 't-0': [a0, a1, a2, u3, u3] })]);
    expect(unknown.violations.join('\n')).toContain('p0/0/3 appears 2 times');
  });

  it('catches an offset gap and a repeated offset', () => {
    const gap: Observation = {
      source: 'n',
      partitions: new Map([
        [
          't-0',
          [
            { offset: 0, value: a0.value },
            { offset: 2, value: a1.value },
            { offset: 3, value: a2.value },
          ],
        ],
      ]),
    };
    expect(checkHistory(history, [gap]).violations.join('\n')).toContain(
      'record #1 has offset 2 (expected 1)',
    );
    const repeat: Observation = {
      source: 'n',
      partitions: new Map([
        [
          't-0',
          [
            { offset: 0, value: a0.value },
            { offset: 0, value: a1.value },
            { offset: 1, value: a2.value },
          ],
        ],
      ]),
    };
    expect(checkHistory(history, [repeat]).violations.join('\n')).toContain('offset gap or repeat');
    const late: Observation = {
      source: 'n',
      partitions: new Map([['t-0', [{ offset: 5, value: a0.value }]]]),
    };
    expect(checkHistory([a0], [late]).violations.join('\n')).toContain('record #0 has offset 5');
  });

  it('catches a log that is not a prefix of the longest', () => {
    const r = checkHistory(history, [
      log('node 1', { 't-0': [a0, a1, a2, u3] }),
      log('node 2', { 't-0': [a0, a1, a2] }),
      log('node 3', { 't-0': [a0, a1, u3] }),
    ]);
    expect(r.violations.join('\n')).toContain('log not a prefix of the longest');
    expect(r.violations.join('\n')).toContain('node 3 has p0/0/3@2 where node 1 has p0/0/2@2');
    // ...which also loses a2 at node 3.
    expect(r.violations.join('\n')).toContain('node 3 t-0: p0/0/2 is missing');
  });

  it('catches a write that failed for sure but is present', () => {
    const r = checkHistory(history, [log('n', { 't-0': [a0, a1, a2, f4] })]);
    expect(r.violations.join('\n')).toContain('failed write present');
  });

  it("catches a producer's acknowledged writes out of send order", () => {
    const r = checkHistory(history, [log('n', { 't-0': [a0, a2, a1] })]);
    expect(r.violations.join('\n')).toContain('p0/0 seq 1 @2 after seq 2 @1');
  });

  it('catches values nobody wrote and values in the wrong partition', () => {
    const b0 = w(0, 'acked', 'p0', 1);
    const phantom: Observation = {
      source: 'n',
      partitions: new Map([
        [
          't-0',
          [a0, a1, a2].map((x, offset) => ({ offset, value: x.value })).concat({ offset: 3, value: 'ghost' }),
        ],
      ]),
    };
    expect(checkHistory(history, [phantom]).violations.join('\n')).toContain('value nobody wrote');
    const wrong = checkHistory([a0, b0], [log('n', { 't-0': [a0, b0], 't-1': [b0] })]);
    expect(wrong.violations.join('\n')).toContain('value in the wrong partition');
  });

  it('checks a view only for the partitions it covers (a node holds only its own chains)', () => {
    const b0 = w(0, 'acked', 'p0', 1);
    const chainA: Observation = { ...log('node 1', { 't-0': [a0, a1, a2] }), covers: new Set(['t-0']) };
    const chainB: Observation = { ...log('node 4', { 't-1': [b0] }), covers: new Set(['t-1']) };
    expect(checkHistory([a0, a1, a2, b0], [chainA, chainB]).violations).toEqual([]);
    const lacking: Observation = { ...log('node 5', {}), covers: new Set(['t-1']) };
    expect(checkHistory([a0, a1, a2, b0], [chainA, chainB, lacking]).violations.join('\n')).toContain(
      'node 5 t-1: p0/1/0 is missing',
    );
  });

  it('reports a bounded number of lines per kind', () => {
    const many = Array.from({ length: 50 }, (_, i) => w(i, 'acked'));
    const r = checkHistory(many, [log('n', { 't-0': [] })]);
    expect(r.violations[0]).toBe('acked write lost: 50');
    expect(r.violations.at(-1)).toContain('and 40 more');
  });
});

describe('send outcome classification', () => {
  it('counts only proofs of non-append as failed, everything else as unknown', () => {
    const protocol = (code: number, type: string) => ({
      name: 'KafkaJSProtocolError',
      code,
      type,
      message: type,
    });
    expect(classifySendError(protocol(6, 'NOT_LEADER_FOR_PARTITION')).outcome).toBe('failed');
    expect(classifySendError(protocol(3, 'UNKNOWN_TOPIC_OR_PARTITION')).outcome).toBe('failed');
    expect(classifySendError(protocol(19, 'NOT_ENOUGH_REPLICAS')).outcome).toBe('unknown');
    expect(classifySendError(protocol(7, 'REQUEST_TIMED_OUT')).outcome).toBe('unknown');
    expect(
      classifySendError({ name: 'KafkaJSConnectionError', code: 'ECONNREFUSED', message: 'x' }).outcome,
    ).toBe('unknown');
    expect(
      classifySendError({ name: 'KafkaJSConnectionError', code: 'ECONNRESET', message: 'x' }).outcome,
    ).toBe('unknown');
    expect(classifySendError({ name: 'KafkaJSRequestTimeoutError', message: 'x' }).outcome).toBe('unknown');
    expect(
      classifySendError({
        name: 'KafkaJSNumberOfRetriesExceeded',
        cause: protocol(6, 'NOT_LEADER_FOR_PARTITION'),
      }).outcome,
    ).toBe('failed');
    expect(classifySendError(new Error('anything else')).outcome).toBe('unknown');
  });
});
