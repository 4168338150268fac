import type { Provider } from '@mosaicstack/telemetry-semconv';
import type { TrackedTaskUsage as TaskUsage } from '../conversion/task-usage.js';
import type { RequestUsage } from '../derive/usage-breakdown.js';
import { requestUsage } from './request-usage.js';

/** One finished model-call span beneath a task, as folding needs it (from any span source). */
export interface FoldableCall {
  readonly traceId: string;
  readonly spanId: string;
  /**
   * Ids of the spans between this call and its task, nearest first (whether the task's own id
   * ends the list does not matter). A call that has a counted call among its descendants is the
   * same call seen by an outer layer.
   */
  readonly ancestorIds: readonly string[];
  /** What made the span (its instrumentation scope name, else its dialect); undefined if unknown. */
  readonly layer: string | undefined;
  readonly startTimeMs: number;
  readonly endTimeMs: number;
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  /** Of the input tokens, those read from the prompt cache. */
  readonly cacheReadTokens?: number | undefined;
  /** Of the input tokens, those written to the prompt cache. */
  readonly cacheWriteTokens?: number | undefined;
  /** Of the output tokens, the reasoning (thinking) tokens. */
  readonly reasoningTokens?: number | undefined;
  readonly model: string | undefined;
  readonly provider: Provider | undefined;
}

const hasUsage = (call: FoldableCall): boolean =>
  call.inputTokens !== undefined || call.outputTokens !== undefined;

const overlap = (a: FoldableCall, b: FoldableCall): boolean =>
  a.startTimeMs <= b.endTimeMs && b.startTimeMs <= a.endTimeMs;

const byStart = (a: FoldableCall, b: FoldableCall): number =>
  a.startTimeMs - b.startTimeMs ||
  a.endTimeMs - b.endTimeMs ||
  (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);

/** Both name the same model, or one of them a dated or suffixed form of the other, or either none. */
function sameModel(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x.startsWith(y) || y.startsWith(x);
}

/**
 * Whether `a` and `b` are one model call seen by two instrumentation layers (a framework's LLM
 * span and the provider SDK's span beside it): same trace, different known layers, overlapping
 * in time, equal token counts, and no conflicting model or provider.
 */
function isSameCall(a: FoldableCall, b: FoldableCall): boolean {
  return a.traceId === b.traceId && isOneCallOfTwoLayers(a, b);
}

/**
 * Whether `a` and `b`, in whichever traces, look like one model call seen by two instrumentation
 * layers: different known layers, overlapping in time, equal token counts, and no conflicting
 * model or provider.
 */
export function isOneCallOfTwoLayers(a: FoldableCall, b: FoldableCall): boolean {
  return (
    a.layer !== undefined &&
    b.layer !== undefined &&
    a.layer !== b.layer &&
    a.inputTokens === b.inputTokens &&
    a.outputTokens === b.outputTokens &&
    overlap(a, b) &&
    sameModel(a.model, b.model) &&
    (a.provider === undefined || b.provider === undefined || a.provider === b.provider)
  );
}

/** The model of a pair: the shorter when one extends the other (the request model, undated). */
function pairModel(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return b.length < a.length ? b : a;
}

/**
 * Unpaired calls of one group examined on each side of a call before its search stops. Only a
 * group crowded with calls that cannot pair (same layer, another model) reaches it: a real twin
 * sits among the nearest calls in time, and the bound keeps a hostile trace of 100k equal calls
 * linear.
 */
const MAX_CANDIDATES = 64;

/** Whether the calls come from at least two known layers (else no two of them can pair). */
function twoLayers(calls: readonly FoldableCall[]): boolean {
  let first: string | undefined;
  for (const call of calls) {
    if (call.layer === undefined) continue;
    if (first === undefined) first = call.layer;
    else if (call.layer !== first) return true;
  }
  return false;
}

/**
 * Pairs the calls of one group (same trace and counts), `group` sorted by {@link byStart}: each
 * unpaired call in turn takes the unpaired call nearest in start time that {@link isSameCall}
 * (the earlier in order on a tie). Unpaired calls sit in a linked list, and a search walks out
 * from the call both ways, stopping once no nearer start is left on that side, at the end of the
 * overlap, or after {@link MAX_CANDIDATES} calls.
 */
function pairGroup(counted: readonly FoldableCall[], group: number[], partner: number[]): void {
  const n = group.length;
  const prev = new Int32Array(n);
  const next = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    prev[p] = p - 1;
    next[p] = p + 1 < n ? p + 1 : -1;
  }
  const unlink = (p: number): void => {
    const before = prev[p] as number;
    const after = next[p] as number;
    if (before !== -1) next[before] = after;
    if (after !== -1) prev[after] = before;
  };
  const paired = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    if (paired[p] === 1) continue;
    const a = counted[group[p] as number] as FoldableCall;
    let best = -1;
    let bestGap = Number.POSITIVE_INFINITY;
    // Earlier calls first: on an equal gap the earlier in order wins, so keep looking while equal.
    let seen = 0;
    for (let q = prev[p] as number; q !== -1 && seen < MAX_CANDIDATES; q = prev[q] as number) {
      const b = counted[group[q] as number] as FoldableCall;
      const gap = a.startTimeMs - b.startTimeMs;
      if (gap > bestGap) break;
      seen++;
      if (isSameCall(a, b)) {
        best = q;
        bestGap = gap;
      }
    }
    seen = 0;
    for (let q = next[p] as number; q !== -1 && seen < MAX_CANDIDATES; q = next[q] as number) {
      const b = counted[group[q] as number] as FoldableCall;
      const gap = b.startTimeMs - a.startTimeMs;
      if (gap >= bestGap || b.startTimeMs > a.endTimeMs) break;
      seen++;
      if (isSameCall(a, b)) {
        best = q;
        bestGap = gap;
        break;
      }
    }
    if (best === -1) continue;
    paired[p] = 1;
    paired[best] = 1;
    unlink(p);
    unlink(best);
    partner[group[p] as number] = group[best] as number;
    partner[group[best] as number] = group[p] as number;
  }
}

/**
 * Folds the model calls beneath one task into its usage, counting each real call once:
 * 1. only calls that carry token counts add, and only innermost ones: a call with a counting call
 *    among its descendants (`ancestorIds`) is that call seen from an outer layer, and is skipped;
 * 2. of the rest, two calls made by different layers, in the same trace, overlapping in time,
 *    with equal input and output counts and no conflicting model or provider are one call seen
 *    twice (siblings or cousins, as when a framework never makes its LLM span active): paired
 *    one to one, each call with the nearest in start time, and counted once. Calls of one layer
 *    never pair, so concurrent calls both count.
 * Model and provider come from the first counted call that names them (in `calls` order), else
 * from any call that does. Pure: reads `calls` only. O(n log n) in the number of calls, whatever
 * their counts. With `requests`, the counted requests are listed in it too (as
 * {@link foldModelRequests} gives them), in the same pass.
 */
export function foldModelCalls(
  calls: readonly FoldableCall[],
  requests?: RequestUsage[],
): TaskUsage {
  return fold(calls, requests);
}

/**
 * The requests the calls count as under {@link foldModelCalls}' rules, each with its breakdown
 * (of a pair, the layer that reports a part gives it), model, provider and start time.
 */
export function foldModelRequests(calls: readonly FoldableCall[]): RequestUsage[] {
  const requests: RequestUsage[] = [];
  fold(calls, requests);
  return requests;
}

/** Folds `calls`, listing the counted requests in `requests` when given. */
function fold(calls: readonly FoldableCall[], requests: RequestUsage[] | undefined): TaskUsage {
  let covered: Set<string> | undefined;
  for (const call of calls) {
    if (call.ancestorIds.length === 0 || !hasUsage(call)) continue;
    covered ??= new Set();
    for (const id of call.ancestorIds) covered.add(id);
  }
  const counted: FoldableCall[] = [];
  for (const call of calls) {
    if (hasUsage(call) && covered?.has(call.spanId) !== true) counted.push(call);
  }

  let partner: number[] | undefined;
  if (counted.length > 1 && twoLayers(counted)) {
    // Candidates for a pair share trace and counts: group on those, then pair within each group.
    const groups = new Map<string, number[]>();
    counted.forEach((call, i) => {
      const key = `${call.traceId}/${call.inputTokens ?? -1}/${call.outputTokens ?? -1}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [i]);
      else group.push(i);
    });
    partner = new Array<number>(counted.length).fill(-1);
    for (const group of groups.values()) {
      if (group.length < 2) continue;
      // A total order (time, then id), so the pairs do not depend on the order calls came in.
      group.sort((i, j) => byStart(counted[i] as FoldableCall, counted[j] as FoldableCall));
      pairGroup(counted, group, partner);
    }
  }

  const usage: TaskUsage = {
    inputTokens: 0,
    outputTokens: 0,
    model: undefined,
    provider: undefined,
    calls: 0,
  };
  counted.forEach((call, i) => {
    const j = partner === undefined ? -1 : (partner[i] as number);
    if (j !== -1 && j < i) return; // the pair was counted at its first member
    const other = j === -1 ? undefined : (counted[j] as FoldableCall);
    const model = other === undefined ? call.model : pairModel(call.model, other.model);
    usage.inputTokens += call.inputTokens ?? 0;
    usage.outputTokens += call.outputTokens ?? 0;
    usage.calls++;
    usage.model ??= model;
    usage.provider ??= call.provider ?? other?.provider;
    // Of a pair, the layer that reports a part of the breakdown gives it.
    requests?.push(
      requestUsage(
        call.inputTokens ?? 0,
        call.outputTokens ?? 0,
        call.cacheReadTokens ?? other?.cacheReadTokens ?? 0,
        call.cacheWriteTokens ?? other?.cacheWriteTokens ?? 0,
        call.reasoningTokens ?? other?.reasoningTokens ?? 0,
        model,
        call.provider ?? other?.provider,
        call.startTimeMs,
      ),
    );
  });
  for (const call of calls) {
    if (usage.model !== undefined && usage.provider !== undefined) break;
    usage.model ??= call.model;
    usage.provider ??= call.provider;
  }
  return usage;
}
