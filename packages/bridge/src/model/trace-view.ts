import type { Attributes } from '@opentelemetry/api';
import { TRACE_BYTES } from './estimate-bytes.js';
import type { HeldSpan } from './held-span.js';

/** Deepest parent chain followed; deeper trees are cut there (no trace here is near it). */
const MAX_DEPTH = 256;

/**
 * What the bridge keeps of one trace while it is open: the parent link of every span (to find
 * which task a span belongs to) and the full record of the spans a source may read.
 */
export class TraceView {
  readonly records = new Map<string, HeldSpan>();
  readonly parents = new Map<string, string | undefined>();
  /** A span arrived that completes a task (a task span, or Codex's turn totals). */
  hasCompletingSpan = false;
  /** A task span arrived whose totals come in a later span (e.g. Codex's `turn/start`): wait for them. */
  awaitsTotals = false;
  /**
   * Wall-clock ms of the first and the last span received (the first: when the trace first came,
   * for a trace rebuilt from the spool).
   */
  readonly firstSeenMs: number;
  lastSeenMs: number;
  /** The bytes it holds, estimated as records are kept (`estimate-bytes`). */
  bytes = TRACE_BYTES;
  /** The resource attributes last counted in `bytes` (the spans of one request share them). */
  countedResource: Attributes | undefined;

  constructor(
    readonly traceId: string,
    nowMs: number,
    firstSeenMs = nowMs,
  ) {
    this.firstSeenMs = firstSeenMs;
    this.lastSeenMs = nowMs;
  }

  /** Entries held (parent links and records), the unit of the pending-records cap. */
  get size(): number {
    return this.parents.size + this.records.size;
  }

  /** The ids from `spanId`'s parent upwards, nearest first (stops at an unknown parent). */
  *ancestors(spanId: string): Generator<string> {
    let id = this.parents.get(spanId);
    for (let depth = 0; id !== undefined && depth < MAX_DEPTH; depth++) {
      yield id;
      id = this.parents.get(id);
    }
  }

  /** The nearest ancestor of `spanId` that is in `ids`, if any. */
  nearestIn(spanId: string, ids: ReadonlySet<string>): string | undefined {
    for (const id of this.ancestors(spanId)) if (ids.has(id)) return id;
    return undefined;
  }

  /** Records named `name`. */
  named(name: string): HeldSpan[] {
    const out: HeldSpan[] = [];
    for (const r of this.records.values()) if (r.name === name) out.push(r);
    return out;
  }
}
