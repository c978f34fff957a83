import type { RecordedRequest } from './requests.js';

/** Which requests a fault applies to. Every field given must match; none given matches all. */
export interface FaultMatch {
  /** The API (`ApiKey.Produce`, `0`, ...). */
  apiKey?: number;
  clientId?: string;
  /** Only requests naming this topic; error answers then fail only its partitions. */
  topic?: string;
  /** With `topic`: only this partition. */
  partition?: number;
  /**
   * How many matching requests the fault acts on before it removes itself: 1 by default,
   * `Infinity` to act until `remove()` (observers default to Infinity).
   */
  times?: number;
}

/** What a fault does to a request it matches (kfake's ControlKey, as data). */
export type FaultAction =
  /** Answer with this Kafka error code (for the matched topics/partitions) without running the handler for them. */
  | { error: number }
  /** Hold the request this long, then serve it normally. */
  | { delayMs: number }
  /** Close the connection: before the handler runs (nothing happens), or after (it ran, the answer is lost). */
  | { drop: 'before' | 'after' }
  /** Answer with this response body (the protocol's `<Api>Response` shape for the request's version). */
  | { respond: (request: FaultRequest) => unknown }
  /** Record and pass through. */
  | { observe: true };

/** What a fault sees: the recorded facts plus the decoded request body. */
export interface FaultRequest extends RecordedRequest {
  body: unknown;
}

/**
 * A fault decision made per request: return an action, or `undefined` to let this request through
 * (it then does not count against `times`).
 */
export type FaultDecider = (request: FaultRequest) => FaultAction | undefined;

/** A fault in place. */
export interface Fault {
  /** Requests it acted on (or observed), in arrival order. */
  readonly hits: readonly RecordedRequest[];
  /** Resolves once it has acted `times` times (never, for `times: Infinity`, unless removed). */
  readonly done: Promise<void>;
  remove(): void;
}

export class FaultRule implements Fault {
  readonly hits: RecordedRequest[] = [];
  readonly done: Promise<void>;
  private left: number;
  private resolveDone!: () => void;
  removed = false;

  constructor(
    readonly match: FaultMatch,
    private readonly action: FaultAction | FaultDecider,
    private readonly onRemove: (rule: FaultRule) => void,
  ) {
    const observing = typeof action === 'object' && 'observe' in action;
    this.left = match.times ?? (observing ? Number.POSITIVE_INFINITY : 1);
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  matches(r: RecordedRequest): boolean {
    const m = this.match;
    if (this.removed) return false;
    if (m.apiKey !== undefined && m.apiKey !== r.apiKey) return false;
    if (m.clientId !== undefined && m.clientId !== r.clientId) return false;
    if (m.topic === undefined) return true;
    const t = r.topics.find((x) => x.name === m.topic);
    if (t === undefined) return false;
    return m.partition === undefined || t.partitions.includes(m.partition);
  }

  /** The action for this request, counting it; undefined if the decider let it through. */
  take(request: FaultRequest): FaultAction | undefined {
    const action = typeof this.action === 'function' ? this.action(request) : this.action;
    if (action === undefined) return undefined;
    const { body: _body, ...recorded } = request;
    this.hits.push(recorded);
    if (--this.left <= 0) this.remove();
    return action;
  }

  remove(): void {
    if (this.removed) return;
    this.removed = true;
    this.onRemove(this);
    this.resolveDone();
  }
}

/** Faults of one broker, consulted in the order they were added. */
export class FaultList {
  private rules: FaultRule[] = [];

  get size(): number {
    return this.rules.length;
  }

  add(match: FaultMatch, action: FaultAction | FaultDecider): Fault {
    const rule = new FaultRule(match, action, (r) => {
      this.rules = this.rules.filter((x) => x !== r);
    });
    this.rules.push(rule);
    return rule;
  }

  /**
   * The first action that applies to this request. Observers record every match and pass it on
   * to the next rule, so observing never hides a fault.
   */
  decide(request: FaultRequest): { action: FaultAction; rule: FaultRule } | undefined {
    for (const rule of [...this.rules]) {
      if (!rule.matches(request)) continue;
      const action = rule.take(request);
      if (action === undefined || 'observe' in action) continue;
      return { action, rule };
    }
    return undefined;
  }

  clear(): void {
    for (const r of [...this.rules]) r.remove();
  }
}
