import type { Provider } from '@mosaicstack/telemetry-semconv';
import type { TrackedTaskUsage as TaskUsage, TaskUsageStore } from '../conversion/task-usage.js';
import { type FoldableCall, foldModelCalls } from './fold-model-calls.js';

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

const sum = (a: TaskUsage, b: TaskUsage): TaskUsage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  model: a.model ?? b.model,
  provider: a.provider ?? b.provider,
  calls: a.calls + b.calls,
});

/**
 * Call records for the task span `span` (the store's key). The calls are kept as columns of
 * numbers and shared strings, not as one object per call: a task's calls live until it ends, and
 * objects that outlive a young-generation collection cost the garbage collector more than the
 * rest of the tracking. A task whose calls come from one layer with no call beneath another (the
 * common case) folds by summing the columns; any other goes through `foldModelCalls`.
 */
export function taskCalls(span: object): TaskCalls {
  let traceIds: string[] = [];
  let spanIds: string[] = [];
  let ancestors: (readonly string[])[] = [];
  let layers: (string | undefined)[] = [];
  /** Start and end times, and counts (-1: absent): arrays of numbers only, so unboxed. */
  let starts: number[] = [];
  let ends: number[] = [];
  let inputs: number[] = [];
  let outputs: number[] = [];
  let models: (string | undefined)[] = [];
  let providers: (Provider | undefined)[] = [];
  /** The one known layer of the calls so far; `null` once a second one came. */
  let onlyLayer: string | undefined | null;
  let anyAncestors = false;
  let excluded: Set<string> | undefined;
  let base: TaskUsage | undefined;
  /** Spans a call folded for good sits in: they are that call seen by an outer layer. */
  const coveredByBase = new Set<string>();
  let size = 0;
  let store: TaskUsageStore | undefined;

  const countOf = (n: number): number | undefined => (n === -1 ? undefined : n);

  const callAt = (i: number): FoldableCall => ({
    traceId: traceIds[i] as string,
    spanId: spanIds[i] as string,
    ancestorIds: ancestors[i] as readonly string[],
    layer: layers[i],
    startTimeMs: starts[i] as number,
    endTimeMs: ends[i] as number,
    inputTokens: countOf(inputs[i] as number),
    outputTokens: countOf(outputs[i] as number),
    model: models[i],
    provider: providers[i],
  });

  /** Whether call `i` still counts here (not excluded, not beneath a call folded for good). */
  const kept = (i: number): boolean =>
    (excluded === undefined || !excluded.has(spanIds[i] as string)) &&
    (coveredByBase.size === 0 || !coveredByBase.has(spanIds[i] as string));

  /** `foldModelCalls` on calls `from` to `to`, as objects. */
  const foldRange = (from: number, to: number): TaskUsage => {
    const calls: FoldableCall[] = [];
    for (let i = from; i < to; i++) if (kept(i)) calls.push(callAt(i));
    return foldModelCalls(calls);
  };

  /** What `foldModelCalls` gives when no call pairs or covers another: the sums. */
  const sumRange = (from: number, to: number): TaskUsage => {
    const usage: TaskUsage = {
      inputTokens: 0,
      outputTokens: 0,
      model: undefined,
      provider: undefined,
      calls: 0,
    };
    for (let i = from; i < to; i++) {
      const input = inputs[i] as number;
      const output = outputs[i] as number;
      if ((input === -1 && output === -1) || !kept(i)) continue;
      usage.inputTokens += input === -1 ? 0 : input;
      usage.outputTokens += output === -1 ? 0 : output;
      usage.calls++;
      usage.model ??= models[i];
      usage.provider ??= providers[i];
    }
    for (let i = from; i < to; i++) {
      if (usage.model !== undefined && usage.provider !== undefined) break;
      if (!kept(i)) continue;
      usage.model ??= models[i];
      usage.provider ??= providers[i];
    }
    return usage;
  };

  const foldCalls = (from: number, to: number): TaskUsage =>
    onlyLayer !== null && !anyAncestors ? sumRange(from, to) : foldRange(from, to);

  const fold = (): TaskUsage => {
    const usage = foldCalls(0, spanIds.length);
    return base === undefined ? usage : sum(base, usage);
  };

  const publish = (): TaskUsage | undefined => {
    if (store === undefined) return undefined;
    const usage = fold();
    if (usage.calls === 0 && usage.model === undefined && usage.provider === undefined) {
      return size === 0 ? undefined : usage;
    }
    const stored = store.get(span);
    if (stored === undefined) store.set(span, usage);
    else Object.assign(stored, usage);
    return usage;
  };

  /** Folds the older half for good and keeps the newer one. */
  const foldOlderHalf = (): void => {
    // A call and its twin from another layer end moments apart: folding the older half on its
    // own cannot split them.
    const half = spanIds.length >> 1;
    const folded = foldCalls(0, half);
    for (let i = 0; i < half; i++) {
      if (inputs[i] === -1 && outputs[i] === -1) continue;
      for (const id of ancestors[i] as readonly string[]) coveredByBase.add(id);
    }
    base = base === undefined ? folded : sum(base, folded);
    traceIds = traceIds.slice(half);
    spanIds = spanIds.slice(half);
    ancestors = ancestors.slice(half);
    layers = layers.slice(half);
    starts = starts.slice(half);
    ends = ends.slice(half);
    inputs = inputs.slice(half);
    outputs = outputs.slice(half);
    models = models.slice(half);
    providers = providers.slice(half);
  };

  return {
    get size() {
      return size;
    },
    add(call) {
      size++;
      traceIds.push(call.traceId);
      spanIds.push(call.spanId);
      ancestors.push(call.ancestorIds);
      layers.push(call.layer);
      starts.push(call.startTimeMs);
      ends.push(call.endTimeMs);
      inputs.push(call.inputTokens ?? -1);
      outputs.push(call.outputTokens ?? -1);
      models.push(call.model);
      providers.push(call.provider);
      if (call.ancestorIds.length !== 0) anyAncestors = true;
      if (call.layer !== undefined && onlyLayer !== null && call.layer !== onlyLayer) {
        onlyLayer = onlyLayer === undefined ? call.layer : null;
      }
      if (spanIds.length >= MAX_CALLS) foldOlderHalf();
      if (store !== undefined) publish();
    },
    exclude(spanId) {
      if (!spanIds.includes(spanId)) return false;
      excluded ??= new Set();
      excluded.add(spanId);
      if (store !== undefined) publish();
      return true;
    },
    end(into) {
      store = into;
      return publish();
    },
  };
}
