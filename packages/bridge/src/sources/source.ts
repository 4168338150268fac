import type { SpanRecord } from '../model/exporter-core.js';
import type { ValueReducer } from '../model/kept-attributes.js';
import type { KeyedRequest } from '../model/keyed-request.js';
import type { LogRecordLike } from '../model/log-record-like.js';
import type { MetricPoint } from '../model/metric-point.js';
import type { ModelRequest } from '../model/model-request.js';
import type { TaskActivity } from '../model/task-activity.js';
import type { IncompleteTaskCounter, TraceTaskReader } from '../model/trace-task.js';

/** What one log record of a source gives: a request of a keyed task, and/or a request's cost. */
export interface LogReading {
  readonly request?: KeyedRequest | undefined;
  /** Cost the source computed for a request id, for the traced task of that request. */
  readonly costOf?: { readonly requestId: string; readonly micros: number } | undefined;
}

/** Reads a source's log records in arrival order (a reader may remember earlier records). */
export type LogReader = (log: LogRecordLike) => LogReading | undefined;

/** What one data point of a metrics sender counts (the pipeline turns its value into a delta). */
export interface MetricReading {
  /**
   * Input tokens (`input`: those the sender does not count as cache reads or writes, priced as
   * uncached), output tokens (reasoning included), or cost in USD.
   */
  readonly counts: 'input' | 'cacheRead' | 'cacheWrite' | 'output' | 'costUsd';
  readonly model: string | undefined;
  /** Price the tokens from the price table (a sender without a USD cost metric of its own). */
  readonly priced: boolean;
}

/**
 * One telemetry source (a CLI, or a convention such as explicit task spans): what it reads, how it
 * finds tasks in a trace and in log records, when a task is complete, and which log-derived
 * reports of a task its traced report covers.
 */
export interface Source {
  /** A short name, for docs and tests. */
  readonly name: string;
  /** What it reads: the decode path keeps the full record of spans matching these only. */
  readonly reads: {
    /** Span names read whatever their attributes. */
    readonly spanNames?: readonly string[];
    /** Span name prefixes read whatever their attributes (e.g. the AI SDK's `ai.`). */
    readonly spanNamePrefixes?: readonly string[];
    /** Attribute keys that make a span readable. */
    readonly attributeKeys?: readonly string[];
    /** Log event names (the `event.name` a record's `LogRecordLike.eventName` gives). */
    readonly logEvents?: readonly string[];
    /**
     * Every other attribute key it reads on spans and log records: decoding keeps only declared
     * keys (`attributeKeys` and these), so a key read but not declared reads as absent.
     */
    readonly keys?: readonly string[];
    /** Log record keys of free text it reads at once and reduces (tool arguments, output). */
    readonly logTextKeys?: readonly string[];
    /**
     * Span keys of free text (tool arguments, output) that `spanActivity` reads as the span is
     * decoded: kept for that read only, never held with the trace.
     */
    readonly spanTextKeys?: readonly string[];
    /**
     * Span keys whose values can carry more than it reads (an AI SDK provider's metadata JSON):
     * read in full as the span is decoded, and held only as what the function makes of them
     * (`undefined`: not held).
     */
    readonly reducedKeys?: Readonly<Record<string, ValueReducer>>;
    /** Resource attribute keys it reads. */
    readonly resourceKeys?: readonly string[];
    /** Metric names read (their monotonic sums and histograms). */
    readonly metricNames?: readonly string[];
    /** Metric data point attribute keys read (decoding keeps no other). */
    readonly metricAttributeKeys?: readonly string[];
  };
  /** Its tasks within one trace (task spans); `complete` is false while data is awaited. */
  readonly traceTasks?: TraceTaskReader;
  /** Its tasks in a closing trace whose ending span never came (counted, not reported). */
  readonly incompleteTasks?: IncompleteTaskCounter;
  /** Whether a span completes a task of its trace, so the trace may close after a short settle. */
  completesTask?(span: SpanRecord): boolean;
  /**
   * A tool call span reduced to its activity as it is decoded, its `spanTextKeys` read in full;
   * the record held keeps the activity (`HeldSpan.activity`), not the text.
   */
  spanActivity?(span: SpanRecord): TaskActivity | undefined;
  /** Whether a span opens a task whose data comes in a later span, or brings that data. */
  awaitedData?(span: SpanRecord): 'opens' | 'brings' | undefined;
  /** A span that is one model request of a keyed task (a task known by session and prompt). */
  keyedRequestOf?(span: SpanRecord): KeyedRequest | undefined;
  /** A new reader of its log records (one per bridge). */
  logReader?(): LogReader;
  /**
   * What a data point of one of its `metricNames` counts, if anything; its tasks are keyed by
   * sender session under `keyedSource` (see `MetricTaskReader`).
   */
  readMetric?(point: MetricPoint): MetricReading | undefined;
  /** The `KeyedRequest.source` of the keyed tasks it reports. */
  readonly keyedSource?: string;
  /**
   * The event id seeds of one of its keyed tasks, derived from the key its traced report derives
   * its ids from too (Claude Code: session id + first request id); undefined for the default
   * (`syntheticIds` of source, session id and prompt id).
   */
  keyedTaskIds?(
    sessionId: string,
    promptId: string,
    requests: readonly ModelRequest[],
  ): { traceId: string; spanId: string } | undefined;
  /**
   * Whether a keyed task of this source, whose records name `coverKeys` (see
   * `KeyedRequest.coverKey`), is the same task as a traced report; `reported` says whether a
   * traced task of this bridge reported a key (`TaskDraft.covers`).
   */
  isCovered?(coverKeys: ReadonlySet<string>, reported: (key: string) => boolean): boolean;
}
