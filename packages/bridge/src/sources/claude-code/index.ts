import type { SpanRecord } from '../../model/exporter-core.js';
import type { Source } from '../source.js';
import { CLAUDE_KEYED_SOURCE, CLAUDE_LOG_EVENTS, readClaudeLog } from './claude-code-logs.js';
import {
  CLAUDE_INTERACTION_SPAN,
  CLAUDE_REQUEST_SPAN,
  claudeCodeTasks,
} from './claude-code-spans.js';
import { claudeTaskIds } from './claude-task-ids.js';

/**
 * Claude Code: a task per `claude_code.interaction` span when traces come; else per (session id,
 * prompt id) from the `api_request` / `api_error` logs. Both reports of one prompt get ids from
 * one key (session id + first request id). A log-derived task is the same prompt as a traced one
 * when one of its records' session id + request id is one of that traced task's keys: it is then
 * joined into the traced report (its tool activity and `cost_usd`), not reported again.
 */
export const claudeCode: Source = {
  name: 'Claude Code',
  reads: {
    spanNames: [CLAUDE_INTERACTION_SPAN, CLAUDE_REQUEST_SPAN],
    logEvents: CLAUDE_LOG_EVENTS,
    keys: [
      // logs and spans of a request
      'session.id',
      'prompt.id',
      'request_id',
      'event.sequence',
      'attempt',
      'model',
      'input_tokens',
      'output_tokens',
      'cache_read_tokens',
      'cache_creation_tokens',
      'cost_usd',
      'cost_usd_micros',
      'duration_ms',
      'status_code',
      'success',
      'gen_ai.request.model',
      'gen_ai.usage.input_tokens',
      'gen_ai.usage.output_tokens',
      'gen_ai.provider.name',
      'gen_ai.system',
      // tool results
      'tool_name',
      'tool_use_id',
      'file_path',
    ],
    logTextKeys: ['tool_input', 'tool_parameters'],
    resourceKeys: ['service.name'],
  },
  traceTasks: claudeCodeTasks,
  completesTask: (span: SpanRecord) => span.name === CLAUDE_INTERACTION_SPAN,
  logReader: () => readClaudeLog,
  keyedSource: CLAUDE_KEYED_SOURCE,
  keyedTaskIds: (sessionId, _promptId, requests) => claudeTaskIds(sessionId, requests),
  isCovered: (coverKeys, reported) => {
    for (const key of coverKeys) if (reported(key)) return true;
    return false;
  },
};
