import type { KeyedRequest } from '../../model/keyed-request.js';
import type { LogRecordLike } from '../../model/log-record-like.js';
import { countAttr, textAttr } from '../read-attribute.js';
import { claudeInputTokens } from './claude-code-spans.js';

/** What a Claude Code log record gives: a request of a prompt, and/or the cost of a request id. */
export interface ClaudeLogReading {
  readonly request: KeyedRequest | undefined;
  readonly costOf: { readonly requestId: string; readonly micros: number } | undefined;
}

const isClaude = (log: LogRecordLike) =>
  log.resourceAttributes['service.name'] === 'claude-code' ||
  log.eventName?.startsWith('claude_code.') === true;

/** `cost_usd_micros`, else `cost_usd` in micros. */
function costMicros(a: LogRecordLike['attributes']): number | undefined {
  const micros = countAttr(a, 'cost_usd_micros');
  if (micros !== undefined) return Math.round(micros);
  const usd = countAttr(a, 'cost_usd');
  return usd === undefined ? undefined : Math.round(usd * 1e6);
}

/**
 * Claude Code logs: `api_request` (an answered request: the four token counts, `cost_usd`) and
 * `api_error` (a failed attempt) of one `prompt.id` in one `session.id`.
 */
export function readClaudeLog(log: LogRecordLike): ClaudeLogReading | undefined {
  const name = log.eventName?.replace(/^claude_code\./, '');
  if ((name !== 'api_request' && name !== 'api_error') || !isClaude(log)) return undefined;
  const a = log.attributes;
  const requestId = textAttr(a, 'request_id');
  const cost = name === 'api_request' ? costMicros(a) : undefined;
  const sessionId = textAttr(a, 'session.id');
  const promptId = textAttr(a, 'prompt.id');
  const duration = countAttr(a, 'duration_ms') ?? 0;
  const sequence = a['event.sequence'];
  const request: KeyedRequest | undefined =
    sessionId === undefined || promptId === undefined
      ? undefined
      : {
          source: 'claude_code.logs',
          sessionId,
          promptId,
          from: 'logs',
          resourceAttributes: log.resourceAttributes,
          request: {
            id: `${name}:${String(sequence ?? '')}:${requestId ?? ''}:${String(a.attempt ?? '')}`,
            startMs: log.timeMs - duration,
            endMs: log.timeMs,
            inputTokens: name === 'api_request' ? claudeInputTokens(a, undefined) : 0,
            outputTokens: name === 'api_request' ? (countAttr(a, 'output_tokens') ?? 0) : 0,
            model: textAttr(a, 'model'),
            provider: 'anthropic',
            failed: name === 'api_error',
            costMicros: cost,
          },
        };
  return {
    request,
    costOf: requestId === undefined || cost === undefined ? undefined : { requestId, micros: cost },
  };
}
