import type { SpanRecord } from '../model/exporter-core.js';
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

  constructor(
    private readonly limits: OpenTracesLimits,
    private readonly rules: TraceSpanRules,
  ) {}

  get size(): number {
    return this.traces.size;
  }

  /**
   * Adds spans, and parent links of spans no source reads (flat triples: trace id, span id,
   * parent id or ''); returns the traces closed early to stay within `maxTraces`.
   */
  add(spans: readonly SpanRecord[], links: readonly string[], nowMs: number): TraceView[] {
    const evicted: TraceView[] = [];
    let trace: TraceView | undefined;
    for (let i = 0; i + 2 < links.length; i += 3) {
      const traceId = links[i] as string;
      if (trace?.traceId !== traceId) trace = this.open(traceId, nowMs, evicted);
      const before = trace.size;
      const parent = links[i + 2];
      trace.parents.set(links[i + 1] as string, parent === '' ? undefined : parent);
      trace.lastSeenMs = nowMs;
      this.entries += trace.size - before;
    }
    for (const span of spans) {
      if (trace?.traceId !== span.traceId) trace = this.open(span.traceId, nowMs, evicted);
      const before = trace.size;
      trace.parents.set(span.spanId, span.parentSpanId);
      if (this.rules.isRelevantSpan(span)) trace.records.set(span.spanId, span);
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

  /** The open trace of this id, opened now if needed (closing the oldest beyond the cap). */
  private open(traceId: string, nowMs: number, evicted: TraceView[]): TraceView {
    let trace = this.traces.get(traceId);
    if (trace === undefined) {
      if (this.traces.size >= this.limits.maxTraces) {
        const oldest = this.traces.values().next().value as TraceView;
        evicted.push(this.remove(oldest));
      }
      trace = new TraceView(traceId, nowMs);
      this.traces.set(traceId, trace);
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
    return all;
  }

  private remove(trace: TraceView): TraceView {
    this.traces.delete(trace.traceId);
    this.entries -= trace.size;
    return trace;
  }
}
