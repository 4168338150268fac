import type { Provider } from '@mosaicstack/telemetry-semconv';
import type { TrackedTaskUsage as TaskUsage, TaskUsageStore } from '../conversion/task-usage.js';
import type { RequestUsage } from '../derive/usage-breakdown.js';
import { type FoldableCall, foldModelCalls, foldModelRequests } from './fold-model-calls.js';
import { requestUsage } from './request-usage.js';

/** Calls kept per task before the oldest half is folded for good (keeps a long task bounded). */
const MAX_CALLS = 4096;

/**
 * The model calls recorded beneath one task span, folded into the task's usage in the store when
 * the task ends and again whenever a call ends after it (the exporter reads the store when it
 * exports the task, so late calls still count).
 */
export interface TaskCalls {
  /** Calls recorded so far (those folded for good included). */
  readonly size: number;
  /** Records a call (its fields are copied: the object itself is not kept). */
  add(call: FoldableCall): void;
  /** Counts the call of span `spanId` no more (another task counts it); false if not found. */
  exclude(spanId: string): boolean;
  /** Folds the calls into the store under the task span; returns what was stored. */
  end(store: TaskUsageStore): TaskUsage | undefined;
}

/** Call records for the task span `span` (the store's key). */
export function taskCalls(span: object): TaskCalls {
  return new CallColumns(span);
}

const sum = (a: TaskUsage, b: TaskUsage): TaskUsage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  model: a.model ?? b.model,
  provider: a.provider ?? b.provider,
  calls: a.calls + b.calls,
});

/** Requests kept one by one from the calls folded for good; past it they merge per model. */
const MAX_BASE_REQUESTS = MAX_CALLS;

/**
 * `requests` merged into one request per model and provider (at the earliest time): a task of
 * more than {@link MAX_BASE_REQUESTS} calls stays bounded, priced per model instead of per call.
 */
function mergePerModel(requests: readonly RequestUsage[]): RequestUsage[] {
  const merged = new Map<string, RequestUsage>();
  for (const r of requests) {
    const key = `${r.provider ?? ''}/${r.model ?? ''}`;
    const m = merged.get(key);
    merged.set(
      key,
      m === undefined
        ? r
        : {
            uncachedInputTokens: m.uncachedInputTokens + r.uncachedInputTokens,
            cacheReadTokens: m.cacheReadTokens + r.cacheReadTokens,
            cacheWriteTokens: m.cacheWriteTokens + r.cacheWriteTokens,
            outputTokens: m.outputTokens + r.outputTokens,
            reasoningTokens: m.reasoningTokens + r.reasoningTokens,
            model: m.model,
            provider: m.provider,
            atMs: Math.min(m.atMs, r.atMs),
          },
    );
  }
  return [...merged.values()];
}

const countOf = (n: number): number | undefined => (n === -1 ? undefined : n);

/** A task's folded usage whose requests its calls list when asked (a method, not data). */
class FoldedUsage implements TaskUsage {
  inputTokens = 0;
  outputTokens = 0;
  model: string | undefined = undefined;
  provider: Provider | undefined = undefined;
  calls = 0;
  readonly #calls: CallColumns;

  constructor(calls: CallColumns) {
    this.#calls = calls;
  }

  requests(): readonly RequestUsage[] {
    return this.#calls.list();
  }
}

/**
 * A task's calls as columns of numbers and shared strings, not one object per call: a task's
 * calls live until it ends, and objects that outlive a young-generation collection cost the
 * garbage collector more than the rest of the tracking. A task whose calls come from one layer,
 * none beneath another (the common case), folds by summing the columns; any other goes through
 * `foldModelCalls`. One object per task, no closures.
 */
class CallColumns implements TaskCalls {
  size = 0;
  private traceIds: string[] = [];
  private spanIds: string[] = [];
  private ancestors: (readonly string[])[] = [];
  private layers: (string | undefined)[] = [];
  /** Times, and counts (-1: absent): arrays of numbers only, so stored unboxed. */
  private starts: number[] = [];
  private ends: number[] = [];
  private inputs: number[] = [];
  private outputs: number[] = [];
  /** Parts of the breakdown (-1: absent). */
  private cacheReads: number[] = [];
  private cacheWrites: number[] = [];
  private reasonings: number[] = [];
  private models: (string | undefined)[] = [];
  private providers: (Provider | undefined)[] = [];
  /** The one known layer of the calls so far; `null` once a second one came. */
  private onlyLayer: string | undefined | null = undefined;
  private anyAncestors = false;
  private excluded: Set<string> | undefined = undefined;
  private base: TaskUsage | undefined = undefined;
  /** The requests of the calls folded for good. */
  private baseRequests: RequestUsage[] = [];
  /** Spans a call folded for good sits in: they are that call seen by an outer layer. */
  private coveredByBase: Set<string> | undefined = undefined;
  private store: TaskUsageStore | undefined = undefined;

  constructor(private readonly span: object) {}

  add(call: FoldableCall): void {
    this.size++;
    this.traceIds.push(call.traceId);
    this.spanIds.push(call.spanId);
    this.ancestors.push(call.ancestorIds);
    this.layers.push(call.layer);
    this.starts.push(call.startTimeMs);
    this.ends.push(call.endTimeMs);
    this.inputs.push(call.inputTokens ?? -1);
    this.outputs.push(call.outputTokens ?? -1);
    this.cacheReads.push(call.cacheReadTokens ?? -1);
    this.cacheWrites.push(call.cacheWriteTokens ?? -1);
    this.reasonings.push(call.reasoningTokens ?? -1);
    this.models.push(call.model);
    this.providers.push(call.provider);
    if (call.ancestorIds.length !== 0) this.anyAncestors = true;
    const layer = call.layer;
    if (layer !== undefined && this.onlyLayer !== null && layer !== this.onlyLayer) {
      this.onlyLayer = this.onlyLayer === undefined ? layer : null;
    }
    if (this.spanIds.length >= MAX_CALLS) this.foldOlderHalf();
    if (this.store !== undefined) this.publish();
  }

  exclude(spanId: string): boolean {
    if (!this.spanIds.includes(spanId)) return false;
    this.excluded ??= new Set();
    this.excluded.add(spanId);
    if (this.store !== undefined) this.publish();
    return true;
  }

  end(store: TaskUsageStore): TaskUsage | undefined {
    this.store = store;
    return this.publish();
  }

  /** The counted calls one by one, listed at conversion (not at each publish). */
  list(): readonly RequestUsage[] {
    return this.baseRequests.concat(this.requestsIn(0, this.spanIds.length));
  }

  /** The requests that calls `from` to `to` count as, folded as {@link foldCalls} folds them. */
  private requestsIn(from: number, to: number): RequestUsage[] {
    if (this.onlyLayer === null || this.anyAncestors) {
      return foldModelRequests(this.callsIn(from, to));
    }
    const requests: RequestUsage[] = [];
    const filtered = this.excluded !== undefined || this.coveredByBase !== undefined;
    for (let i = from; i < to; i++) {
      const input = this.inputs[i] as number;
      const output = this.outputs[i] as number;
      if ((input === -1 && output === -1) || (filtered && !this.kept(i))) continue;
      requests.push(this.requestAt(i));
    }
    return requests;
  }

  /** Call `i` as a request. */
  private requestAt(i: number): RequestUsage {
    const input = this.inputs[i] as number;
    const output = this.outputs[i] as number;
    return requestUsage(
      Math.max(input, 0),
      Math.max(output, 0),
      Math.max(this.cacheReads[i] as number, 0),
      Math.max(this.cacheWrites[i] as number, 0),
      Math.max(this.reasonings[i] as number, 0),
      this.models[i],
      this.providers[i],
      this.starts[i] as number,
    );
  }

  private publish(): TaskUsage | undefined {
    const store = this.store;
    if (store === undefined) return undefined;
    const folded = this.foldCalls(0, this.spanIds.length);
    const usage = this.base === undefined ? folded : sum(this.base, folded);
    if (usage.calls === 0 && usage.model === undefined && usage.provider === undefined) {
      return this.size === 0 ? undefined : usage;
    }
    let stored = store.get(this.span);
    if (stored === undefined) {
      stored = new FoldedUsage(this);
      store.set(this.span, stored);
    }
    return Object.assign(stored, usage);
  }

  /** Whether call `i` still counts here (not excluded, not beneath a call folded for good). */
  private kept(i: number): boolean {
    const id = this.spanIds[i] as string;
    return this.excluded?.has(id) !== true && this.coveredByBase?.has(id) !== true;
  }

  private foldCalls(from: number, to: number): TaskUsage {
    return this.onlyLayer !== null && !this.anyAncestors
      ? this.sumRange(from, to)
      : this.foldRange(from, to);
  }

  /** `foldModelCalls` on calls `from` to `to`, as objects. */
  private foldRange(from: number, to: number): TaskUsage {
    return foldModelCalls(this.callsIn(from, to));
  }

  /** The kept calls `from` to `to`, as objects. */
  private callsIn(from: number, to: number): FoldableCall[] {
    const calls: FoldableCall[] = [];
    for (let i = from; i < to; i++) {
      if (!this.kept(i)) continue;
      calls.push({
        traceId: this.traceIds[i] as string,
        spanId: this.spanIds[i] as string,
        ancestorIds: this.ancestors[i] as readonly string[],
        layer: this.layers[i],
        startTimeMs: this.starts[i] as number,
        endTimeMs: this.ends[i] as number,
        inputTokens: countOf(this.inputs[i] as number),
        outputTokens: countOf(this.outputs[i] as number),
        cacheReadTokens: countOf(this.cacheReads[i] as number),
        cacheWriteTokens: countOf(this.cacheWrites[i] as number),
        reasoningTokens: countOf(this.reasonings[i] as number),
        model: this.models[i],
        provider: this.providers[i],
      });
    }
    return calls;
  }

  /** What `foldModelCalls` gives when no call pairs with or covers another: the sums. */
  private sumRange(from: number, to: number): TaskUsage {
    const usage: TaskUsage = {
      inputTokens: 0,
      outputTokens: 0,
      model: undefined,
      provider: undefined,
      calls: 0,
    };
    const filtered = this.excluded !== undefined || this.coveredByBase !== undefined;
    for (let i = from; i < to; i++) {
      const input = this.inputs[i] as number;
      const output = this.outputs[i] as number;
      if ((input === -1 && output === -1) || (filtered && !this.kept(i))) continue;
      usage.inputTokens += input === -1 ? 0 : input;
      usage.outputTokens += output === -1 ? 0 : output;
      usage.calls++;
      usage.model ??= this.models[i];
      usage.provider ??= this.providers[i];
    }
    for (let i = from; i < to; i++) {
      if (usage.model !== undefined && usage.provider !== undefined) break;
      if (filtered && !this.kept(i)) continue;
      usage.model ??= this.models[i];
      usage.provider ??= this.providers[i];
    }
    return usage;
  }

  /** Folds the older half for good and keeps the newer one. */
  private foldOlderHalf(): void {
    // A call and its twin from another layer end moments apart: folding the older half on its
    // own cannot split them.
    const half = this.spanIds.length >> 1;
    const folded = this.foldCalls(0, half);
    const requests = this.baseRequests.concat(this.requestsIn(0, half));
    this.baseRequests = requests.length > MAX_BASE_REQUESTS ? mergePerModel(requests) : requests;
    for (let i = 0; i < half; i++) {
      if (this.inputs[i] === -1 && this.outputs[i] === -1) continue;
      const ids = this.ancestors[i] as readonly string[];
      if (ids.length === 0) continue;
      this.coveredByBase ??= new Set();
      for (const id of ids) this.coveredByBase.add(id);
    }
    this.base = this.base === undefined ? folded : sum(this.base, folded);
    this.traceIds = this.traceIds.slice(half);
    this.spanIds = this.spanIds.slice(half);
    this.ancestors = this.ancestors.slice(half);
    this.layers = this.layers.slice(half);
    this.starts = this.starts.slice(half);
    this.ends = this.ends.slice(half);
    this.inputs = this.inputs.slice(half);
    this.outputs = this.outputs.slice(half);
    this.cacheReads = this.cacheReads.slice(half);
    this.cacheWrites = this.cacheWrites.slice(half);
    this.reasonings = this.reasonings.slice(half);
    this.models = this.models.slice(half);
    this.providers = this.providers.slice(half);
  }
}
