import type { TaskUsage } from '../model/exporter-core.js';
import type { ModelRequest } from '../model/model-request.js';

/** Totals of a task's model requests. */
export interface RequestTotals {
  readonly usage: TaskUsage;
  readonly costMicros: number | undefined;
  /** Some request was priced at 0 because its model has no known price. */
  readonly uncosted: boolean;
  /** Whether the last request (by end time) failed, or asked for a tool and nothing followed. */
  readonly lastFailed: boolean;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * Sums requests (each once); model and provider of the last answered request (the main model, not
 * a router's or a title request's, which come first); failure of the last request; cost summed
 * over the requests that have one (the source's own or priced from their breakdown).
 */
export function sumRequests(requests: Iterable<ModelRequest>): RequestTotals {
  const usage: TaskUsage = {
    inputTokens: 0,
    outputTokens: 0,
    model: undefined,
    provider: undefined,
  };
  let cost: number | undefined;
  let uncosted = false;
  let last: ModelRequest | undefined;
  let startMs = Number.POSITIVE_INFINITY;
  let endMs = 0;
  const sorted = [...requests].sort((a, b) => a.endMs - b.endMs);
  for (const r of sorted) {
    usage.inputTokens += r.inputTokens;
    usage.outputTokens += r.outputTokens;
    if (r.model !== undefined && (!r.failed || usage.model === undefined)) usage.model = r.model;
    if (r.provider !== undefined && (!r.failed || usage.provider === undefined)) {
      usage.provider = r.provider;
    }
    if (r.costMicros !== undefined) cost = (cost ?? 0) + r.costMicros;
    if (r.uncosted === true) uncosted = true;
    if (r.startMs < startMs) startMs = r.startMs;
    if (r.endMs > endMs) endMs = r.endMs;
    last = r;
  }
  return {
    usage,
    costMicros: cost,
    uncosted,
    lastFailed: last === undefined ? false : last.failed || last.continues === true,
    startMs: Number.isFinite(startMs) ? startMs : endMs,
    endMs,
  };
}
