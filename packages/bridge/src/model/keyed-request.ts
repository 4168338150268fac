import type { Attributes } from '@opentelemetry/api';
import type { ModelRequest } from './model-request.js';
import type { TaskActivity } from './task-activity.js';

/**
 * One record of a task keyed by (session, prompt), read from a log record or a span: a model
 * request, a tool call's reduced activity, or both.
 */
export interface KeyedRequest {
  /** The keyed source's name (e.g. `codex.logs`): part of the task's key and its event id seed. */
  readonly source: string;
  readonly sessionId: string;
  /** The prompt id; empty where the source has none (Codex logs: one task per conversation gap). */
  readonly promptId: string;
  /**
   * Log records are preferred over spans where both describe a request (Gemini: thoughts); a
   * metrics-derived task holds metrics only.
   */
  readonly from: 'logs' | 'spans' | 'metrics';
  readonly request?: ModelRequest | undefined;
  /** A tool call's gates or touched file (see `TaskActivity`). */
  readonly activity?: TaskActivity | undefined;
  readonly resourceAttributes: Attributes;
  /**
   * A key of the traced report of the same task that this record names (Claude Code: session id +
   * request id; Codex: conversation id + the turn's trace id), if it names one.
   */
  readonly coverKey?: string | undefined;
}

/** The key of a keyed task. */
export const keyOf = (r: Pick<KeyedRequest, 'source' | 'sessionId' | 'promptId'>): string =>
  `${r.source}\u0000${r.sessionId}\u0000${r.promptId}`;
