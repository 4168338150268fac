import type { Provider } from '@mosaicstack/telemetry-semconv';
import type { TrackedTaskUsage as TaskUsage, TaskUsageStore } from '../conversion/task-usage.js';
import type { RequestUsage } from '../derive/usage-breakdown.js';
import { CALL_NUMBERS, CHUNK_BITS, CHUNK_MASK, type ChunkPool } from './chunk-pool.js';
import { type FoldableCall, foldModelCalls, foldModelRequests } from './fold-model-calls.js';
import { requestUsage } from './request-usage.js';

/**
 * Calls kept per task before the oldest half is folded for good (keeps a long task bounded). Half
 * of it is a whole number of chunks (see `ChunkPool`), so the older half gives back whole chunks.
 */
const MAX_CALLS = 4096;

/**
 * The model calls recorded beneath one task span, folded into the task's usage in the store when
 * the task ends and again whenever a call ends after it (the exporter reads the store when it
 * exports the task, so late calls still count).
 */
export interface TaskCalls {
  /** Calls recorded so far (those folded for good included). */
  readonly size: number;
  /** Records a call (its fields are copied: the object itself is not kept) as call number `size`. */
  add(call: FoldableCall): void;
  /**
   * The call recorded as number `index` (counting from 0 in the order added), while it is kept
   * one by one and still counts here; `undefined` once folded for good or excluded.
   */
  callAt(index: number): FoldableCall | undefined;
  /**
   * Counts call number `index` no more (another task counts it); false once it is folded for
   * good, or when there is no such call.
   */
  exclude(index: number): boolean;
  /** Folds the calls into the store under the task span; returns what was stored. */
  end(store: TaskUsageStore): TaskUsage | undefined;
  /**
   * Lets go of the calls one by one (their chunks go back to the pool): the task was converted,
   * or forgotten by aging. The totals stored stay; calls added after it are not counted.
   */
  release(): void;
}

/**
 * Call records for the task span `span` (the store's key), their numbers in chunks borrowed from
 * `pool` while the task lives.
 */
export function taskCalls(span: object, pool: ChunkPool): TaskCalls {
  return new CallColumns(span, pool);
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

/** The ancestry of a call right beneath its task. */
const NO_ANCESTORS: readonly string[] = Object.freeze([]);

/** Numbers kept per call, at these offsets. */
const NUMBERS = CALL_NUMBERS;
const START = 0;
const END = 1;
/** Token counts, -1 when absent. */
const INPUT = 2;
const OUTPUT = 3;
/** Parts of the breakdown, -1 when absent. */
const CACHE_READ = 4;
const CACHE_WRITE = 5;
const REASONING = 6;

/** Fields that repeat from call to call, kept once for each run of calls that share them. */
interface Run {
  /** Index of the run's first call. */
  readonly from: number;
  readonly traceId: string;
  readonly layer: string | undefined;
  readonly model: string | undefined;
  readonly provider: Provider | undefined;
}

/** A task's folded usage whose requests its calls list when asked (a method, not data). */
class FoldedUsage implements TaskUsage {
  inputTokens = 0;
  outputTokens = 0;
  model: string | undefined = undefined;
  provider: Provider | undefined = undefined;
  calls = 0;
  costMicros: number | undefined = undefined;
  readonly #calls: CallColumns;

  constructor(calls: CallColumns) {
    this.#calls = calls;
  }

  requests(): readonly RequestUsage[] {
    return this.#calls.list();
  }

  release(): void {
    this.#calls.release();
  }
}

/**
 * A task's calls as columns, not one object per call: a task's calls live until it is exported,
 * and objects that outlive a young-generation collection cost the garbage collector more than the
 * rest of the tracking. Per call, seven numbers, in chunks borrowed from a {@link ChunkPool} until
 * the task is converted (see `release`); trace, layer, model and provider once per run of calls
 * that share them (a task's calls mostly share all four); span ids only of calls that had a
 * tracked child (only ancestors are looked up by id); ancestor ids only of calls that have any.
 * Ten arrays, one push each per call, cost about 300 ns per model call inside a task (bench (a),
 * chat row, against the same build with no columns). A task whose calls come from one layer, none
 * beneath another (the common case), folds by summing the columns; any other goes through
 * `foldModelCalls`. One object per task, no closures.
 */
class CallColumns implements TaskCalls {
  size = 0;
  /** Calls kept one by one: call number `i` is at column index `i - foldedCount`. */
  private count = 0;
  /** The chunks holding the columns' numbers, in order; none once released. */
  private chunks: Float64Array[] | undefined = [];
  /** Span ids of the calls that had a tracked child, by call number. */
  private ids: Map<number, string> | undefined = undefined;
  /** Runs in call order; the first starts at call 0. */
  private runs: Run[] = [];
  /** The last of {@link runs}. */
  private lastRun: Run | undefined = undefined;
  /** Ancestor ids of the calls that have any, by call index. */
  private ancestors: Map<number, readonly string[]> | undefined = undefined;
  /** The one known layer of the calls so far; `null` once a second one came. */
  private onlyLayer: string | undefined | null = undefined;
  private anyAncestors = false;
  /** Calls another task counts, by call number. */
  private excluded: Set<number> | undefined = undefined;
  private base: TaskUsage | undefined = undefined;
  /** The requests of the calls folded for good. */
  private baseRequests: RequestUsage[] = [];
  /** Spans a call folded for good sits in: they are that call seen by an outer layer. */
  private coveredByBase: Set<string> | undefined = undefined;
  private store: TaskUsageStore | undefined = undefined;
  /** Calls folded for good: call number `i` is at column index `i - foldedCount`. */
  private foldedCount = 0;

  constructor(
    private readonly span: object,
    private readonly pool: ChunkPool,
  ) {}

  add(call: FoldableCall): void {
    this.size++;
    const chunks = this.chunks;
    if (chunks === undefined) return;
    const i = this.count++;
    if (call.spanId !== '') {
      this.ids ??= new Map();
      this.ids.set(this.foldedCount + i, call.spanId);
    }
    if ((i & CHUNK_MASK) === 0) chunks.push(this.pool.take());
    const n = chunks[i >> CHUNK_BITS] as Float64Array;
    const at = (i & CHUNK_MASK) * NUMBERS;
    n[at + START] = call.startTimeMs;
    n[at + END] = call.endTimeMs;
    n[at + INPUT] = call.inputTokens ?? -1;
    n[at + OUTPUT] = call.outputTokens ?? -1;
    n[at + CACHE_READ] = call.cacheReadTokens ?? -1;
    n[at + CACHE_WRITE] = call.cacheWriteTokens ?? -1;
    n[at + REASONING] = call.reasoningTokens ?? -1;
    const run = this.lastRun;
    if (
      run === undefined ||
      run.traceId !== call.traceId ||
      run.layer !== call.layer ||
      run.model !== call.model ||
      run.provider !== call.provider
    ) {
      this.lastRun = {
        from: i,
        traceId: call.traceId,
        layer: call.layer,
        model: call.model,
        provider: call.provider,
      };
      this.runs.push(this.lastRun);
    }
    if (call.ancestorIds.length !== 0) {
      this.ancestors ??= new Map();
      this.ancestors.set(i, call.ancestorIds);
      this.anyAncestors = true;
    }
    const layer = call.layer;
    if (layer !== undefined && this.onlyLayer !== null && layer !== this.onlyLayer) {
      this.onlyLayer = this.onlyLayer === undefined ? layer : null;
    }
    if (this.count >= MAX_CALLS) this.foldOlderHalf();
    if (this.store !== undefined) this.publish();
  }

  /** Number `field` of column `i` (while the chunks are held: `i < count`). */
  private num(i: number, field: number): number {
    const chunk = (this.chunks as Float64Array[])[i >> CHUNK_BITS] as Float64Array;
    return chunk[(i & CHUNK_MASK) * NUMBERS + field] as number;
  }

  callAt(index: number): FoldableCall | undefined {
    const i = index - this.foldedCount;
    if (i < 0 || i >= this.count || !this.kept(i)) return undefined;
    return this.callOf(i, this.runs[this.runOf(i)] as Run);
  }

  exclude(index: number): boolean {
    const i = index - this.foldedCount;
    if (i < 0 || i >= this.count) return false;
    this.excluded ??= new Set();
    this.excluded.add(index);
    if (this.store !== undefined) this.publish();
    return true;
  }

  end(store: TaskUsageStore): TaskUsage | undefined {
    this.store = store;
    return this.publish();
  }

  release(): void {
    for (const chunk of this.chunks ?? []) this.pool.give(chunk);
    this.chunks = undefined;
    this.store = undefined;
    this.count = 0;
    this.ids = undefined;
    this.ancestors = undefined;
    this.excluded = undefined;
    this.coveredByBase = undefined;
    this.baseRequests = [];
    this.runs = [];
    this.lastRun = undefined;
  }

  private publish(): TaskUsage | undefined {
    const store = this.store;
    if (store === undefined) return undefined;
    const folded = this.foldCalls(0, this.count);
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

  /** The counted calls one by one, listed at conversion (not at each publish). */
  list(): readonly RequestUsage[] {
    return this.baseRequests.concat(this.requestsIn(0, this.count));
  }

  /** The requests that calls `from` to `to` count as, folded as {@link foldCalls} folds them. */
  private requestsIn(from: number, to: number): RequestUsage[] {
    if (this.onlyLayer === null || this.anyAncestors) {
      return foldModelRequests(this.callsIn(from, to));
    }
    const requests: RequestUsage[] = [];
    const filtered = this.excluded !== undefined || this.coveredByBase !== undefined;
    let r = this.runOf(from);
    for (let i = from; i < to; i++) {
      while (r + 1 < this.runs.length && (this.runs[r + 1] as Run).from <= i) r++;
      const input = this.num(i, INPUT);
      const output = this.num(i, OUTPUT);
      if ((input === -1 && output === -1) || (filtered && !this.kept(i))) continue;
      const run = this.runs[r] as Run;
      requests.push(
        requestUsage(
          Math.max(input, 0),
          Math.max(output, 0),
          Math.max(this.num(i, CACHE_READ), 0),
          Math.max(this.num(i, CACHE_WRITE), 0),
          Math.max(this.num(i, REASONING), 0),
          run.model,
          run.provider,
          this.num(i, START),
        ),
      );
    }
    return requests;
  }

  /** Whether call `i` still counts here (not excluded, not beneath a call folded for good). */
  private kept(i: number): boolean {
    const call = this.foldedCount + i;
    if (this.excluded?.has(call) === true) return false;
    const covered = this.coveredByBase;
    if (covered === undefined) return true;
    // Only a call that had a tracked child has an id, and only such a call can be covered.
    const id = this.ids?.get(call);
    return id === undefined || !covered.has(id);
  }

  /** The index of the run call `i` is in. */
  private runOf(i: number): number {
    let r = this.runs.length - 1;
    while (r > 0 && (this.runs[r] as Run).from > i) r--;
    return r;
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
    let r = this.runOf(from);
    for (let i = from; i < to; i++) {
      while (r + 1 < this.runs.length && (this.runs[r + 1] as Run).from <= i) r++;
      if (!this.kept(i)) continue;
      calls.push(this.callOf(i, this.runs[r] as Run));
    }
    return calls;
  }

  /** Call `i` (a column index) of run `run`, as an object. */
  private callOf(i: number, run: Run): FoldableCall {
    return {
      traceId: run.traceId,
      spanId: this.ids?.get(this.foldedCount + i) ?? '',
      ancestorIds: this.ancestors?.get(i) ?? NO_ANCESTORS,
      layer: run.layer,
      startTimeMs: this.num(i, START),
      endTimeMs: this.num(i, END),
      inputTokens: countOf(this.num(i, INPUT)),
      outputTokens: countOf(this.num(i, OUTPUT)),
      cacheReadTokens: countOf(this.num(i, CACHE_READ)),
      cacheWriteTokens: countOf(this.num(i, CACHE_WRITE)),
      reasoningTokens: countOf(this.num(i, REASONING)),
      model: run.model,
      provider: run.provider,
    };
  }

  /** What `foldModelCalls` gives when no call pairs with or covers another: the sums. */
  private sumRange(from: number, to: number): TaskUsage {
    let inputTokens = 0;
    let outputTokens = 0;
    let calls = 0;
    let model: string | undefined;
    let provider: Provider | undefined;
    const filtered = this.excluded !== undefined || this.coveredByBase !== undefined;
    const runs = this.runs;
    let r = this.runOf(from);
    for (let i = from; i < to; i++) {
      while (r + 1 < runs.length && (runs[r + 1] as Run).from <= i) r++;
      const input = this.num(i, INPUT);
      const output = this.num(i, OUTPUT);
      if ((input === -1 && output === -1) || (filtered && !this.kept(i))) continue;
      inputTokens += input === -1 ? 0 : input;
      outputTokens += output === -1 ? 0 : output;
      calls++;
      if (model === undefined || provider === undefined) {
        const run = runs[r] as Run;
        model ??= run.model;
        provider ??= run.provider;
      }
    }
    r = this.runOf(from);
    for (let i = from; i < to; i++) {
      if (model !== undefined && provider !== undefined) break;
      while (r + 1 < runs.length && (runs[r + 1] as Run).from <= i) r++;
      if (filtered && !this.kept(i)) continue;
      const run = runs[r] as Run;
      model ??= run.model;
      provider ??= run.provider;
    }
    return { inputTokens, outputTokens, model, provider, calls };
  }

  /** Folds the older half for good and keeps the newer one. */
  private foldOlderHalf(): void {
    // A call and its twin from another layer end moments apart: folding the older half on its
    // own cannot split them.
    const half = this.count >> 1;
    const folded = this.foldCalls(0, half);
    const requests = this.baseRequests.concat(this.requestsIn(0, half));
    this.baseRequests = requests.length > MAX_BASE_REQUESTS ? mergePerModel(requests) : requests;
    const kept = new Map<number, readonly string[]>();
    for (const [i, ids] of this.ancestors ?? []) {
      if (i >= half) {
        kept.set(i - half, ids);
        continue;
      }
      if (this.num(i, INPUT) === -1 && this.num(i, OUTPUT) === -1) continue;
      this.coveredByBase ??= new Set();
      for (const id of ids) this.coveredByBase.add(id);
    }
    if (this.ancestors !== undefined) this.ancestors = kept;
    this.base = this.base === undefined ? folded : sum(this.base, folded);
    const r = this.runOf(half);
    this.runs = this.runs.slice(r).map((run) => ({ ...run, from: Math.max(0, run.from - half) }));
    this.lastRun = this.runs.at(-1);
    this.foldedCount += half;
    for (const call of this.ids?.keys() ?? []) if (call < this.foldedCount) this.ids?.delete(call);
    this.count -= half;
    const chunks = this.chunks as Float64Array[];
    // `half` is a whole number of chunks (see MAX_CALLS).
    const older = half >> CHUNK_BITS;
    for (let c = 0; c < older; c++) this.pool.give(chunks[c] as Float64Array);
    this.chunks = chunks.slice(older);
  }
}
