import type { SpanRecord } from '../../model/exporter-core.js';
import { syntheticIds } from '../../model/synthetic-ids.js';
import type { Source } from '../source.js';
import { CODEX_KEYED_SOURCE, CODEX_LOG_EVENTS, CodexLogReader } from './codex-logs.js';
import {
  CODEX_CONVERSATION_SPANS,
  CODEX_RESPONSES_SPAN,
  CODEX_TURN_SPAN,
  CODEX_TURN_START_SPAN,
  codexTasks,
} from './codex-spans.js';
import { CODEX_TASK_KEY } from './codex-turn-key.js';

/**
 * Codex CLI: a task per turn from traces (`turn/start`, totals in `session_task.turn`); without
 * traces, per turn from the `codex.sse_event` logs (the turn whose trace the conversation's
 * `codex.api_request` and tool records name; per conversation and idle gap when they name none).
 * Both reports of a turn get ids from one key (conversation id + the turn's trace id) when its
 * spans name the conversation, so two bridges that each saw one signal of a turn report one event
 * (a turn whose last trace export was lost takes ids from its turn span); a bridge that sees
 * both joins the logs (tool activity, per-request cost) into the traced report, by the turn's
 * trace id alone (`codexTurnKey`: the spans naming the conversation can be lost with the turn's
 * last export).
 */
export const codex: Source = {
  name: 'Codex CLI',
  reads: {
    spanNames: [
      CODEX_TURN_START_SPAN,
      CODEX_TURN_SPAN,
      CODEX_RESPONSES_SPAN,
      ...CODEX_CONVERSATION_SPANS,
    ],
    logEvents: CODEX_LOG_EVENTS,
    keys: [
      'conversation.id',
      'event.kind',
      'event.timestamp',
      'http.response.status_code',
      'model',
      'input_token_count',
      'output_token_count',
      'cached_token_count',
      'cache_write_token_count',
      'reasoning_token_count',
      'duration_ms',
      'tool_name',
      'call_id',
      'success',
      'turn.id',
      'codex.turn.token_usage.input_tokens',
      'codex.turn.token_usage.output_tokens',
      'codex.turn.token_usage.cached_input_tokens',
      'codex.turn.token_usage.cache_write_input_tokens',
      'codex.turn.token_usage.reasoning_output_tokens',
      'gen_ai.usage.input_tokens',
      'gen_ai.usage.output_tokens',
    ],
    logTextKeys: ['arguments', 'output'],
    resourceKeys: ['service.name'],
  },
  traceTasks: codexTasks,
  completesTask: (span: SpanRecord) => span.name === CODEX_TURN_SPAN,
  awaitedData: (span: SpanRecord) => {
    if (span.name === CODEX_TURN_START_SPAN) return 'opens';
    return span.name === CODEX_TURN_SPAN ? 'brings' : undefined;
  },
  logReader: () => {
    const reader = new CodexLogReader();
    return (log) => {
      const request = reader.read(log);
      return request === undefined ? undefined : { request };
    };
  },
  keyedSource: CODEX_KEYED_SOURCE,
  keyedTaskIds: (conversation, turnTrace) =>
    turnTrace === '' ? undefined : syntheticIds(CODEX_TASK_KEY, conversation, turnTrace),
  isCovered: (coverKeys, reported) => {
    for (const key of coverKeys) if (reported(key)) return true;
    return false;
  },
};
