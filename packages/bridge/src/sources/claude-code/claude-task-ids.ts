import type { ModelRequest } from '../../model/model-request.js';
import { syntheticIds } from '../../model/synthetic-ids.js';

/** The event id seed of Claude Code tasks keyed by session id + first request id. */
const CLAUDE_TASK_KEY = 'claude_code';

/**
 * The ids of a Claude Code task from its key, the same from its spans and from its logs: session id
 * + the request id of its first model request (earliest start; ties by id), which both the
 * `claude_code.llm_request` spans and the `api_request` / `api_error` logs carry. Undefined when
 * no request names an id.
 */
export function claudeTaskIds(
  sessionId: string,
  requests: Iterable<Pick<ModelRequest, 'requestId' | 'startMs'>>,
): { traceId: string; spanId: string } | undefined {
  let first: { requestId: string; startMs: number } | undefined;
  for (const r of requests) {
    if (r.requestId === undefined) continue;
    if (
      first === undefined ||
      r.startMs < first.startMs ||
      (r.startMs === first.startMs && r.requestId < first.requestId)
    ) {
      first = { requestId: r.requestId, startMs: r.startMs };
    }
  }
  return first === undefined
    ? undefined
    : syntheticIds(CLAUDE_TASK_KEY, sessionId, first.requestId);
}
