// The previous fold, kept for the property test that checks the O(n log n) fold against it.
import type { TrackedTaskUsage as TaskUsage } from '../../src/conversion/task-usage.js';
import type { FoldableCall } from '../../src/usage/fold-model-calls.js';

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
  return (
    a.layer !== undefined &&
    b.layer !== undefined &&
    a.layer !== b.layer &&
    a.traceId === b.traceId &&
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
 * The fold as first written (quadratic in a group of equal counts), kept as the reference the
 * O(n log n) `foldModelCalls` must agree with. Folds the calls, counting each real call once:
 * 1. only calls that carry token counts add, and only innermost ones: a call with a counting call
 *    among its descendants (`ancestorIds`) is that call seen from an outer layer, and is skipped;
 * 2. of the rest, two calls made by different layers, in the same trace, overlapping in time,
 *    with equal input and output counts and no conflicting model or provider are one call seen
 *    twice (siblings or cousins, as when a framework never makes its LLM span active): paired
 *    one to one and counted once. Calls of one layer never pair, so concurrent calls both count.
 * Model and provider come from the first counted call that names them (in `calls` order), else
 * from any call that does. Pure: reads `calls` only.
 */
export function quadraticFold(calls: readonly FoldableCall[]): TaskUsage {
  const covered = new Set<string>();
  for (const call of calls) {
    if (!hasUsage(call)) continue;
    for (const id of call.ancestorIds) covered.add(id);
  }
  const counted: FoldableCall[] = [];
  for (const call of calls) {
    if (hasUsage(call) && !covered.has(call.spanId)) counted.push(call);
  }

  // Candidates for a pair share trace and counts: group on those, then pair within each group.
  const groups = new Map<string, number[]>();
  counted.forEach((call, i) => {
    const key = `${call.traceId}/${call.inputTokens ?? -1}/${call.outputTokens ?? -1}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [i]);
    else group.push(i);
  });
  const partner = new Array<number>(counted.length).fill(-1);
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    // A total order (time, then id), so the pairs do not depend on the order calls came in.
    group.sort((i, j) => byStart(counted[i] as FoldableCall, counted[j] as FoldableCall));
    for (const i of group) {
      if (partner[i] !== -1) continue;
      const a = counted[i] as FoldableCall;
      let best = -1;
      let bestGap = Number.POSITIVE_INFINITY;
      for (const j of group) {
        if (j === i || partner[j] !== -1) continue;
        const b = counted[j] as FoldableCall;
        const gap = Math.abs(a.startTimeMs - b.startTimeMs);
        if (gap < bestGap && isSameCall(a, b)) {
          best = j;
          bestGap = gap;
        }
      }
      if (best !== -1) {
        partner[i] = best;
        partner[best] = i;
      }
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
    const j = partner[i] as number;
    if (j !== -1 && j < i) return; // the pair was counted at its first member
    const other = j === -1 ? undefined : (counted[j] as FoldableCall);
    usage.inputTokens += call.inputTokens ?? 0;
    usage.outputTokens += call.outputTokens ?? 0;
    usage.calls++;
    usage.model ??= other === undefined ? call.model : pairModel(call.model, other.model);
    usage.provider ??= call.provider ?? other?.provider;
  });
  for (const call of calls) {
    usage.model ??= call.model;
    usage.provider ??= call.provider;
  }
  return usage;
}
