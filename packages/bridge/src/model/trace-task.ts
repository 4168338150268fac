import type { TaskDraft } from './task-draft.js';
import type { TraceView } from './trace-view.js';

/** A task a trace dialect found. */
export interface TraceTask {
  readonly draft: TaskDraft;
  /** False while the dialect still waits for a span it needs (Codex's turn totals). */
  readonly complete: boolean;
}

/** What a trace dialect may read besides the trace. */
export interface TraceDialectContext {
  /** Whether this span, or one of its ancestors, already belongs to a task of a higher dialect. */
  isClaimed(spanId: string): boolean;
  /** Cost a log dialect learnt for a request id (Claude Code's `api_request` logs). */
  costOfRequest(requestId: string): number | undefined;
}

/** A source's rule of what a task is within one trace. */
export type TraceDialect = (trace: TraceView, ctx: TraceDialectContext) => TraceTask[];
