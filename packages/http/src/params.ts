import { badRequest } from './errors.js';

const INT64_MAX = 2n ** 63n - 1n;
const INT32_MAX = 2 ** 31 - 1;

/**
 * A request's query parameters, each read and checked once. Names not in `allowed` are refused,
 * so that a typo (`?form=5`) is an error rather than a request quietly doing something else.
 */
export class Params {
  constructor(
    private readonly query: URLSearchParams,
    allowed: readonly string[],
  ) {
    for (const name of query.keys()) {
      if (!allowed.includes(name)) {
        throw badRequest(
          'unknown_parameter',
          `unknown query parameter '${name}'; this route takes ${allowed.join(', ')}`,
        );
      }
    }
  }

  has(name: string): boolean {
    return this.query.has(name);
  }

  string(name: string): string | undefined {
    return this.query.get(name) ?? undefined;
  }

  /** A Kafka offset: a decimal integer from 0 to 2^63-1. */
  offset(name: string): bigint | undefined {
    const text = this.query.get(name);
    if (text === null) return undefined;
    if (!/^\d{1,19}$/.test(text) || BigInt(text) > INT64_MAX) {
      throw badRequest('bad_offset', `${name}=${text} is not an offset (a whole number from 0)`);
    }
    return BigInt(text);
  }

  /** A whole number in [min, max]; `fallback` when absent. */
  int(name: string, fallback: number, min = 0, max = INT32_MAX): number {
    const text = this.query.get(name);
    if (text === null) return fallback;
    const n = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
    if (!(n >= min && n <= max)) {
      throw badRequest(`bad_${name}`, `${name}=${text} is not a whole number from ${min} to ${max}`);
    }
    return n;
  }

  /** The partition: 0 unless partition= says otherwise. */
  partition(): number {
    return this.int('partition', 0);
  }

  /**
   * isolation=read_committed: no records of aborted transactions, nothing past the last stable
   * offset. read_uncommitted (the default, as for Kafka's Java consumer) shows everything.
   */
  readCommitted(): boolean {
    return this.choice('isolation', ['read_uncommitted', 'read_committed']) === 'read_committed';
  }

  /** One of `choices`, the first when absent. */
  choice<T extends string>(name: string, choices: readonly T[]): T {
    const text = this.query.get(name);
    if (text === null) return choices[0]!;
    if (!(choices as readonly string[]).includes(text)) {
      throw badRequest(`bad_${name}`, `${name}=${text} is not one of ${choices.join(', ')}`);
    }
    return text as T;
  }

  /** A comma-separated list of offsets, at most `max` of them. */
  offsets(name: string, max: number): bigint[] {
    const text = this.query.get(name) ?? '';
    const parts = text.split(',').filter((s) => s !== '');
    if (parts.length === 0) throw badRequest('bad_offset', `${name}= names no offset`);
    if (parts.length > max)
      throw badRequest('bad_offset', `${name}= names ${parts.length} offsets; at most ${max}`);
    return parts.map((p) => {
      if (!/^\d{1,19}$/.test(p) || BigInt(p) > INT64_MAX) {
        throw badRequest('bad_offset', `'${p}' in ${name}= is not an offset (a whole number from 0)`);
      }
      return BigInt(p);
    });
  }
}
