import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import type { HeldSpan } from '../model/held-span.js';
import type { KeyedRequest } from '../model/keyed-request.js';
import type { MetricStreamState } from '../model/metric-stream-state.js';
import type { SpoolStats } from '../types.js';

/** What a spool held at start: the open tasks' records and the events not yet delivered. */
export interface SpooledState {
  /**
   * Spans and parent links (flat triples, as `decodeSpans` gives them), in arrival order, each
   * with when it arrived (wall clock, ms; undefined in a spool of an earlier version).
   */
  readonly traces: readonly { spans: HeldSpan[]; links: string[]; atMs: number | undefined }[];
  /** Keyed tasks' records, in arrival order. */
  readonly keyed: readonly KeyedRequest[];
  /** Costs the logs gave per request id, oldest first. */
  readonly costs: readonly (readonly [requestId: string, micros: number])[];
  /** Keys of tasks traces reported (`TaskDraft.covers`), oldest first. */
  readonly covered: readonly string[];
  /** The last point of each metric stream (by its digest), least recently updated first. */
  readonly streams: readonly (readonly [stream: string, state: MetricStreamState])[];
  /** Events handed to delivery and not known to be stored upstream. */
  readonly events: readonly TaskCompletionEvent[];
}

/**
 * Where the pipeline keeps what it holds (open tasks' reduced records, undelivered events) so a
 * restart finds it again: `MEMORY_SPOOL` keeps nothing, `SqliteSpool` one transaction per
 * `atomically` call.
 */
export interface TaskSpool {
  /** Runs `work`, keeping every change it makes to the spool or none; on disk when it returns. */
  atomically<T>(work: () => T): T;
  /**
   * Keeps spans of open traces and parent links (flat triples: trace id, span id, parent id) that
   * arrived at `atMs` (wall clock): a trace rebuilt at start keeps its age.
   */
  keepSpans(spans: readonly HeldSpan[], links: readonly string[], atMs: number): void;
  /** Keeps a record of the keyed task `key` (`keyOf`). */
  keepKeyed(key: string, request: KeyedRequest): void;
  /** Keeps a request's cost, as the logs gave it. */
  keepCost(requestId: string, micros: number): void;
  /** Keeps keys of a task traces reported, so its log-derived report stays known as the same task. */
  keepCovered(keys: readonly string[]): void;
  /** Keeps the last point of a metric stream (its digest), replacing the one before. */
  keepStream(stream: string, state: MetricStreamState): void;
  /** Forgets the records of a trace that closed. */
  forgetTrace(traceId: string): void;
  /** Forgets the records of a keyed task that closed. */
  forgetKeyed(key: string): void;
  /** Keeps events until `forgetEvents` says they are stored upstream. */
  keepEvents(events: readonly TaskCompletionEvent[]): void;
  forgetEvents(events: readonly TaskCompletionEvent[]): void;
  /** The oldest `limit` events kept and not forgotten, oldest first. */
  undelivered(limit: number): TaskCompletionEvent[];
  /** Whether the event of this id is kept and not forgotten. */
  holdsEvent(eventId: string): boolean;
  /** Why new records cannot be kept now (the spool is full), or undefined. */
  readonly refusal: string | undefined;
  /** Its size and place; undefined for the memory spool. */
  stats(): Omit<SpoolStats, 'resent'> | undefined;
  /** What it holds, to rebuild the pipeline from at start. */
  load(): SpooledState;
  close(): void;
}
