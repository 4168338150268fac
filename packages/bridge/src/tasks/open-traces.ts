import {
  attributesBytes,
  LINK_BYTES,
  spanRecordBytes,
  TRACE_BYTES,
} from '../model/estimate-bytes.js';
import type { SpanRecord } from '../model/exporter-core.js';
import type { HeldSpan } from '../model/held-span.js';
import { TraceView } from '../model/trace-view.js';

/** Limits of the open traces. */
export interface OpenTracesLimits {
  /** Most traces open at once; the oldest closes early beyond it (counted). */
  readonly maxTraces: number;
  /** A trace with a finished task closes this long after its last span. */
  readonly settleMs: number;
  /** A trace without one closes this long after its last span. */
  readonly idleMs: number;
  /** A trace closes at this age whatever arrives. */
  readonly maxAgeMs: number;
}

/** What the sources say of a span, as the open traces need it (tasks/ names no source). */
export interface TraceSpanRules {
  /** Whether any source may read the span's record; the others are kept as a parent link. */
  isRelevantSpan(span: SpanRecord): boolean;
  /** Whether the span completes a task of its trace, so the trace may close after a short settle. */
  completesTask(span: SpanRecord): boolean;
  /**
   * Whether the span opens a task whose data comes in a later span ('opens': the trace waits past
   * its idle time), or brings that data ('brings'); else undefined.
   */
  awaitedData(span: SpanRecord): 'opens' | 'brings' | undefined;
}

/** Traces whose spans are still arriving, by trace id, oldest first. */
export class OpenTraces {
  private readonly traces = new Map<string, TraceView>();
  /** Parent links and records held across all traces. */
  entries = 0;
  /** Bytes held across all traces, estimated as records are kept (`estimate-bytes`). */
  bytes = 0;

  constructor(
    private readonly limits: OpenTracesLimits,
    private readonly rules: TraceSpanRules,
  ) {}

  get size(): number {
    return this.traces.size;
  }

  /**
   * Adds spans, and parent links of spans no source reads (flat triples: trace id, span id,
   * parent id or ''); returns the traces closed early to stay within `maxTraces`. A trace they
   * open counts its age from `firstSeenMs` (a trace rebuilt from the spool: when it first came).
   */
  add(
    spans: readonly HeldSpan[],
    links: readonly string[],
    nowMs: number,
    firstSeenMs = nowMs,
  ): TraceView[] {
    const evicted: TraceView[] = [];
    // Never in the future: the wall clock may have been set back since.
    const since = Math.min(firstSeenMs, nowMs);
    let trace: TraceView | undefined;
    for (let i = 0; i + 2 < links.length; i += 3) {
      const traceId = links[i] as string;
      if (trace?.traceId !== traceId) trace = this.open(traceId, nowMs, since, evicted);
      const before = trace.size;
      const parent = links[i + 2];
      trace.parents.set(links[i + 1] as string, parent === '' ? undefined : parent);
      trace.lastSeenMs = nowMs;
      this.entries += trace.size - before;
      if (trace.size > before) this.grow(trace, LINK_BYTES);
    }
    for (const span of spans) {
      if (trace?.traceId !== span.traceId) trace = this.open(span.traceId, nowMs, since, evicted);
      const before = trace.size;
      trace.parents.set(span.spanId, span.parentSpanId);
      if (trace.size > before) this.grow(trace, LINK_BYTES);
      if (this.rules.isRelevantSpan(span)) {
        const replaced = trace.records.get(span.spanId);
        trace.records.set(span.spanId, span);
        this.grow(trace, spanRecordBytes(span) - (replaced ? spanRecordBytes(replaced) : 0));
        if (trace.countedResource !== span.resourceAttributes) {
          trace.countedResource = span.resourceAttributes;
          this.grow(trace, attributesBytes(span.resourceAttributes));
        }
      }
      if (!trace.hasCompletingSpan && this.rules.completesTask(span))
        trace.hasCompletingSpan = true;
      const awaited = this.rules.awaitedData(span);
      if (awaited === 'opens' && !trace.hasCompletingSpan) trace.awaitsTotals = true;
      if (awaited === 'brings') trace.awaitsTotals = false;
      trace.lastSeenMs = nowMs;
      this.entries += trace.size - before;
    }
    return evicted;
  }

  private grow(trace: TraceView, bytes: number): void {
    trace.bytes += bytes;
    this.bytes += bytes;
  }

  /**
   * The most bytes any one trace would hold after adding these spans and links (an estimate that
   * counts a replayed span again), and the bytes they add in all; nothing is added.
   */
  bytesToAdd(
    spans: readonly SpanRecord[],
    links: readonly string[],
  ): { readonly largestTrace: number; readonly total: number } {
    const added = new Map<string, { bytes: number; resource: unknown }>();
    const entry = (traceId: string) => {
      let e = added.get(traceId);
      if (e === undefined) {
        e = { bytes: this.traces.get(traceId)?.bytes ?? TRACE_BYTES, resource: undefined };
        added.set(traceId, e);
      }
      return e;
    };
    let total = 0;
    let last: { bytes: number; resource: unknown } | undefined;
    let lastId: string | undefined;
    for (let i = 0; i + 2 < links.length; i += 3) {
      const traceId = links[i] as string;
      if (last === undefined || traceId !== lastId) {
        last = entry(traceId);
        lastId = traceId;
      }
      last.bytes += LINK_BYTES;
      total += LINK_BYTES;
    }
    for (const span of spans) {
      const e = entry(span.traceId);
      let bytes = LINK_BYTES;
      if (this.rules.isRelevantSpan(span)) {
        bytes += spanRecordBytes(span);
        if (e.resource !== span.resourceAttributes) {
          e.resource = span.resourceAttributes;
          bytes += attributesBytes(span.resourceAttributes);
        }
      }
      e.bytes += bytes;
      total += bytes;
    }
    let largestTrace = 0;
    for (const e of added.values()) if (e.bytes > largestTrace) largestTrace = e.bytes;
    return { largestTrace, total };
  }

  /**
   * The open trace of this id, opened now if needed (closing the oldest beyond the cap), first
   * seen at `sinceMs`.
   */
  private open(traceId: string, nowMs: number, sinceMs: number, evicted: TraceView[]): TraceView {
    let trace = this.traces.get(traceId);
    if (trace === undefined) {
      if (this.traces.size >= this.limits.maxTraces) {
        const oldest = this.traces.values().next().value as TraceView;
        evicted.push(this.remove(oldest));
      }
      trace = new TraceView(traceId, nowMs, sinceMs);
      this.traces.set(traceId, trace);
      this.bytes += trace.bytes;
    }
    return trace;
  }

  /** Removes and returns the traces due to close at `nowMs`. */
  takeDue(nowMs: number): TraceView[] {
    const due: TraceView[] = [];
    const { settleMs, idleMs, maxAgeMs } = this.limits;
    for (const trace of this.traces.values()) {
      const quiet = nowMs - trace.lastSeenMs;
      // A task span may end at once and its data come when the task ends, maybe minutes later
      // (a Codex turn's root and its totals): such a trace waits for them (bounded by maxAgeMs and the open-trace cap).
      if (
        (trace.hasCompletingSpan && quiet >= settleMs) ||
        (quiet >= idleMs && !trace.awaitsTotals) ||
        nowMs - trace.firstSeenMs >= maxAgeMs
      ) {
        due.push(trace);
      }
    }
    for (const trace of due) this.remove(trace);
    return due;
  }

  /** Removes and returns every open trace. */
  takeAll(): TraceView[] {
    const all = [...this.traces.values()];
    this.traces.clear();
    this.entries = 0;
    this.bytes = 0;
    return all;
  }

  private remove(trace: TraceView): TraceView {
    this.traces.delete(trace.traceId);
    this.entries -= trace.size;
    this.bytes -= trace.bytes;
    return trace;
  }
}
