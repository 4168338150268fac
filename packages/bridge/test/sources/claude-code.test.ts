import { describe, expect, it } from 'vitest';
import { sessionCoverKey } from '../../src/model/sender-session.js';
import { claudeCode } from '../../src/sources/claude-code/index.js';
import { SPAN_FILTER } from '../../src/sources/index.js';
import { loadCapture } from '../support/captures.js';
import { logReadingsOf, logsOf, tracesOf, traceTasksOf } from '../support/source-fixtures.js';

const SESSION = '168e8a52-a545-4e4c-bacd-d7b9117df773';
const PROMPT = 'ad0159c0-7b02-4539-adf2-c397b96ee61f';
const key = (requestId: string) => `${SESSION}\u0000${requestId}`;

describe('source: Claude Code', () => {
  it('declares the spans and log events it reads, and the decode filter keeps them', () => {
    expect(claudeCode.reads.spanNames).toEqual([
      'claude_code.interaction',
      'claude_code.llm_request',
    ]);
    expect(claudeCode.reads.logEvents).toContain('claude_code.api_request');
    for (const name of claudeCode.reads.spanNames ?? []) {
      expect(SPAN_FILTER.isRelevantName(name)).toBe(true);
    }
    expect(SPAN_FILTER.isRelevantName('claude_code.tool')).toBe(false);
  });

  it('finds one task per interaction span in a captured trace, keyed for its logs by request id', () => {
    const capture = loadCapture('claude', 'run1');
    const costs = new Map<string, number>();
    for (const r of logReadingsOf(claudeCode, logsOf(capture))) {
      if (r.costOf !== undefined) costs.set(r.costOf.requestId, r.costOf.micros);
    }
    const tasks = traceTasksOf(claudeCode, tracesOf(capture), (id) => costs.get(id));
    expect(tasks).toHaveLength(1);
    const [task] = tasks;
    expect(task?.complete).toBe(true);
    expect(task?.draft).toMatchObject({
      source: 'claude_code.interaction',
      usage: { inputTokens: 11_309, outputTokens: 80, provider: 'anthropic' },
      costMicros: 8249 + 7438,
      failed: false,
      covers: [key('req_fake_1'), key('req_fake_2'), sessionCoverKey(SESSION)],
    });
  });

  it('reads the api_request logs of the same capture as one keyed prompt naming the same keys', () => {
    const readings = logReadingsOf(claudeCode, logsOf(loadCapture('claude', 'run1')));
    const requests = readings.flatMap((r) => (r.request === undefined ? [] : [r.request]));
    expect(requests).toHaveLength(2);
    expect(new Set(requests.map((r) => `${r.source}/${r.sessionId}/${r.promptId}`))).toEqual(
      new Set([`claude_code.logs/${SESSION}/${PROMPT}`]),
    );
    expect(requests.map((r) => r.coverKey)).toEqual([key('req_fake_1'), key('req_fake_2')]);
    expect(requests.map((r) => r.request?.inputTokens)).toEqual([5503, 5806]);
  });

  it('gives the traced prompt and its log-derived report one id: session id + first request id', () => {
    const capture = loadCapture('claude', 'run1');
    const [task] = traceTasksOf(claudeCode, tracesOf(capture));
    const requests = logReadingsOf(claudeCode, logsOf(capture)).flatMap((r) =>
      r.request?.request === undefined ? [] : [r.request.request],
    );
    expect(requests.map((r) => r.requestId)).toEqual(['req_fake_1', 'req_fake_2']);
    const ids = claudeCode.keyedTaskIds?.(SESSION, PROMPT, requests);
    expect(ids).toEqual({ traceId: task?.draft.traceId, spanId: task?.draft.spanId });
    // The key, not the interaction span, names the task; the span is what it claims in its trace.
    expect(task?.taskSpanId).toBe('a8d00c793a3334eb');
    expect(task?.draft.spanId).not.toBe('a8d00c793a3334eb');
    // Another first request is another task.
    const later = requests.filter((r) => r.requestId === 'req_fake_2');
    expect(claudeCode.keyedTaskIds?.(SESSION, PROMPT, later)).not.toEqual(ids);
  });

  it('prices a traced prompt whose logs have not arrived from its spans’ four token counts', () => {
    const [task] = traceTasksOf(claudeCode, tracesOf(loadCapture('claude', 'run1')));
    // claude-opus-5-5 per million: 4 input, 0.2 cache read, 5 cache write, 20 output:
    // 1,201 x 4 + 4,001 x 0.2 + 301 x 5 + 57 x 20 = 8,249.2; 1,402 x 4 + 4,302 x 0.2 + 102 x 5 +
    // 23 x 20 = 7,438.4 (each request rounded; the CLI's own cost_usd agrees).
    expect(task?.draft.costMicros).toBe(8_249 + 7_438);
    expect(task?.draft.uncosted).toBe(false);
  });

  it('counts a log-derived prompt as covered only when a traced task reported one of its keys', () => {
    const keys = new Set([key('req_fake_1'), key('req_fake_2')]);
    const reported = new Set([key('req_fake_2')]);
    expect(claudeCode.isCovered?.(keys, (k) => reported.has(k))).toBe(true);
    // The same session traced, but another prompt: the session alone no longer covers it.
    const other = new Set([key('req_other')]);
    expect(claudeCode.isCovered?.(keys, (k) => other.has(k))).toBe(false);
    expect(claudeCode.isCovered?.(new Set(), () => true)).toBe(false);
  });

  it('marks a captured prompt whose last requests failed as failed', () => {
    const tasks = traceTasksOf(claudeCode, tracesOf(loadCapture('claude', 'run4-errors')));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.draft.failed).toBe(true);
  });
});
