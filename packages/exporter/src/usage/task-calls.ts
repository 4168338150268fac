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
  add(call: FoldableCall): void;
  /** Folds the calls into the store under the task span; returns what was stored. */
  end(store: TaskUsageStore): TaskUsage | undefined;
}

/** Call records for the task span `span` (the store's key). */
export function taskCalls(span: object): TaskCalls {
  let calls: FoldableCall[] = [];
  let base: TaskUsage | undefined;
  /** Spans a call folded for good sits in: they are that call seen by an outer layer. */
  const coveredByBase = new Set<string>();
  let size = 0;
  let store: TaskUsageStore | undefined;

  const fold = (): TaskUsage => {
    if (base === undefined) return foldModelCalls(calls);
    const usage = foldModelCalls(calls.filter((call) => !coveredByBase.has(call.spanId)));
    return {
      inputTokens: base.inputTokens + usage.inputTokens,
      outputTokens: base.outputTokens + usage.outputTokens,
      model: base.model ?? usage.model,
      provider: base.provider ?? usage.provider,
      calls: base.calls + usage.calls,
    };
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

  return {
    get size() {
      return size;
    },
    add(call) {
      size++;
      calls.push(call);
      if (calls.length >= MAX_CALLS) {
        // A call and its twin from another layer end moments apart: folding the older half on
        // its own cannot split them.
        const half = calls.length >> 1;
        const older = calls.slice(0, half);
        calls = calls.slice(half);
        const folded = foldModelCalls(older.filter((call) => !coveredByBase.has(call.spanId)));
        for (const call of older) {
          if (call.inputTokens === undefined && call.outputTokens === undefined) continue;
          for (const id of call.ancestorIds) coveredByBase.add(id);
        }
        base =
          base === undefined
            ? folded
            : {
                inputTokens: base.inputTokens + folded.inputTokens,
                outputTokens: base.outputTokens + folded.outputTokens,
                model: base.model ?? folded.model,
                provider: base.provider ?? folded.provider,
                calls: base.calls + folded.calls,
              };
      }
      if (store !== undefined) publish();
    },
    end(into) {
      store = into;
      return publish();
    },
  };
}
