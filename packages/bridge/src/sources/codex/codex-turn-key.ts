/** The event id seed of Codex turns keyed by conversation id + the turn's trace id. */
export const CODEX_TASK_KEY = 'codex';

/**
 * The key of a Codex turn that its spans and its log records both name: the turn's trace id
 * (Codex logs carry no turn id, but a turn is one trace and the log records of a traced turn carry
 * its trace id: `codex.api_request` and tool records; the `codex.sse_event` records that follow a
 * request belong to the turn that request named). The trace id alone, not with the conversation
 * id: the spans that name the conversation come in the turn's last trace export, and a turn whose
 * last export never arrived must still be joined with its log records, not reported twice.
 */
export const codexTurnKey = (traceId: string): string => `codex.turn\u0000${traceId}`;
