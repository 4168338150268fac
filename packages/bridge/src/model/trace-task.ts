import type { TaskActivity } from './task-activity.js';
import type { TaskDraft } from './task-draft.js';
import type { TraceView } from './trace-view.js';

/** A task a source found in a trace. */
export interface TraceTask {
  readonly draft: TaskDraft;
  /** False while the source still waits for a span it needs (Codex's turn totals). */
  readonly complete: boolean;
  /** The task span's id, where the draft's ids derive from a key instead (what the task claims). */
  readonly taskSpanId?: string | undefined;
  /** Its tool calls' reduced activity, from its spans (the pipeline derives gates and language). */
  readonly activities?: readonly TaskActivity[] | undefined;
}

/** What a source may read besides the trace. */
export interface TraceTaskContext {
  /** Whether this span, or one of its ancestors, already belongs to a task of an earlier source. */
  isClaimed(spanId: string): boolean;
  /** Cost a source's logs gave for a request id (Claude Code's `api_request` logs). */
  costOfRequest(requestId: string): number | undefined;
}

/** A source's rule of what a task is within one trace. */
export type TraceTaskReader = (trace: TraceView, ctx: TraceTaskContext) => TraceTask[];

/**
 * A source's count of its tasks in a closing trace whose ending span never came (spans of a task
 * no task claimed): counted, never reported as if whole.
 */
export type IncompleteTaskCounter = (trace: TraceView, ctx: TraceTaskContext) => number;
