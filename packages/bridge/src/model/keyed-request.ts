import type { Attributes } from '@opentelemetry/api';
import type { ModelRequest } from './model-request.js';

/** Sources whose tasks are keyed by (session, prompt) rather than by a task span. */
export type KeyedSource = 'claude_code.logs' | 'codex.logs' | 'gemini_cli';

/** One model request of a keyed task, read from a log record or a span. */
export interface KeyedRequest {
  readonly source: KeyedSource;
  readonly sessionId: string;
  /** The prompt id; empty where the source has none (Codex logs: one task per conversation gap). */
  readonly promptId: string;
  /** Log records are preferred over spans where both describe a request (Gemini: thoughts). */
  readonly from: 'logs' | 'spans';
  readonly request: ModelRequest;
  readonly resourceAttributes: Attributes;
}

/** The key of a keyed task. */
export const keyOf = (r: Pick<KeyedRequest, 'source' | 'sessionId' | 'promptId'>): string =>
  `${r.source}\u0000${r.sessionId}\u0000${r.promptId}`;
