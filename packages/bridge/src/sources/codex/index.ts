import type { SpanRecord } from '../../model/exporter-core.js';
import type { Source } from '../source.js';
import { CODEX_KEYED_SOURCE, CODEX_LOG_EVENTS, CodexLogReader } from './codex-logs.js';
import {
  CODEX_RESPONSES_SPAN,
  CODEX_TURN_SPAN,
  CODEX_TURN_START_SPAN,
  codexTasks,
} from './codex-spans.js';

/**
 * Codex CLI: a task per turn from traces (`turn/start`, totals in `session_task.turn`); without
 * traces, per conversation and idle gap from the `codex.sse_event` logs. Log records that name a
 * turn's trace (conversation id + the trace id its `codex.api_request` and tool records carry)
 * are covered by that turn's spans: Codex puts trace ids on its log records only when its trace
 * exporter is on, so the bridge that receives the turn's spans reports it, wherever the logs went.
 * Logs that name no trace (Codex without a trace exporter) are reported from the logs, whatever
 * traced turn of another conversation ran at the same time.
 */
export const codex: Source = {
  name: 'Codex CLI',
  reads: {
    spanNames: [CODEX_TURN_START_SPAN, CODEX_TURN_SPAN, CODEX_RESPONSES_SPAN],
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
  isCovered: (coverKeys) => coverKeys.size > 0,
};
