/** The event id seed of Codex turns keyed by conversation id + the turn's trace id. */
export const CODEX_TASK_KEY = 'codex';

/**
 * The key of a Codex turn that its spans and its log records both name: conversation id + the
 * turn's trace id. Codex logs carry no turn id, but a turn is one trace and the log records of a
 * traced turn carry its trace id (`codex.api_request` and tool records; the `codex.sse_event`
 * records that follow a request belong to the turn that request named).
 */
export const codexTurnKey = (conversation: string, traceId: string): string =>
  `${conversation}\u0000${traceId}`;
