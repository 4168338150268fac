import { describe, expect, it } from 'vitest';
import { decodeSpans } from '../../src/decode/decode-spans.js';
import { gemini } from '../../src/sources/gemini.js';
import { SPAN_FILTER } from '../../src/sources/index.js';
import { loadCapture } from '../support/captures.js';
import { logReadingsOf, logsOf } from '../support/source-fixtures.js';

describe('source: Gemini CLI', () => {
  const capture = loadCapture('gemini', 'run1');
  const spans = capture
    .filter((r) => r.signal === 'traces')
    .flatMap((r) => decodeSpans(r.json, SPAN_FILTER).records);
  const fromSpans = spans.flatMap((s) => {
    const r = gemini.keyedRequestOf?.(s);
    return r === undefined ? [] : [r];
  });
  const fromLogs = logReadingsOf(gemini, logsOf(capture)).flatMap((r) =>
    r.request === undefined ? [] : [r.request],
  );

  it('declares llm_call spans and the api_response / api_error / tool_call logs, and has no trace tasks', () => {
    expect(gemini.reads.spanNames).toEqual(['llm_call']);
    expect(gemini.reads.logEvents).toEqual([
      'gemini_cli.api_response',
      'gemini_cli.api_error',
      'gemini_cli.tool_call',
    ]);
    expect(gemini.traceTasks).toBeUndefined();
    expect(SPAN_FILTER.isRelevantName('llm_call')).toBe(true);
  });

  it('keys the captured spans and logs by the same session id + prompt id (one task, one event id)', () => {
    expect(fromSpans).toHaveLength(3);
    expect(fromLogs).toHaveLength(3);
    const keys = (rs: typeof fromLogs) =>
      new Set(rs.map((r) => `${r.source}/${r.sessionId}/${r.promptId}`));
    expect(keys(fromSpans)).toEqual(keys(fromLogs));
    expect(keys(fromLogs).size).toBe(1);
    expect(
      fromSpans.every((r) => r.from === 'spans') && fromLogs.every((r) => r.from === 'logs'),
    ).toBe(true);
  });

  it('counts thoughts as output in the logs (the spans carry none)', () => {
    const out = (rs: typeof fromLogs) => rs.reduce((n, r) => n + (r.request?.outputTokens ?? 0), 0);
    const input = (rs: typeof fromLogs) =>
      rs.reduce((n, r) => n + (r.request?.inputTokens ?? 0), 0);
    expect(input(fromLogs)).toBe(66 + 3101 + 3202);
    expect(out(fromLogs)).toBe(5 + 41 + 13 + 19 + 7);
    expect(out(fromSpans)).toBe(5 + 41 + 19);
  });
});
