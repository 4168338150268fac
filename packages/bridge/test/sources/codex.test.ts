import { describe, expect, it } from 'vitest';
import type { LogRecordLike } from '../../src/model/log-record-like.js';
import { codex } from '../../src/sources/codex/index.js';
import { SPAN_FILTER } from '../../src/sources/index.js';
import { loadCapture } from '../support/captures.js';
import { logReadingsOf, logsOf, tracesOf, traceTasksOf } from '../support/source-fixtures.js';

const withoutTraceContext = (logs: readonly LogRecordLike[]): LogRecordLike[] =>
  logs.map((l) => ({ ...l, traceId: undefined, spanId: undefined }));

describe('source: Codex CLI', () => {
  it('declares the spans and log events it reads, and the decode filter keeps them', () => {
    expect(codex.reads.spanNames).toEqual([
      'turn/start',
      'session_task.turn',
      'handle_responses',
      'codex.turn_input',
      'run_turn',
    ]);
    expect(codex.reads.logEvents).toContain('codex.sse_event');
    for (const name of codex.reads.spanNames ?? []) {
      expect(SPAN_FILTER.isRelevantName(name)).toBe(true);
    }
  });

  for (const run of ['run1', 'run2-protobuf']) {
    it(`finds the captured turn (${run}) in its traces, complete with the turn totals`, () => {
      const tasks = traceTasksOf(codex, tracesOf(loadCapture('codex', run)));
      expect(tasks).toHaveLength(1);
      expect(tasks[0]?.complete).toBe(true);
      expect(tasks[0]?.draft).toMatchObject({
        source: 'codex.turn',
        usage: { inputTokens: 2101 + 2302, outputTokens: 61 + 29, model: 'gpt-5.5' },
        failed: false,
      });
    });
  }

  it('waits for the turn totals: a turn/start without session_task.turn is incomplete', () => {
    const [first] = loadCapture('codex', 'run2-protobuf').filter((r) => r.signal === 'traces');
    const traces = tracesOf(first === undefined ? [] : [first]);
    const tasks = traceTasksOf(codex, traces);
    expect(tasks.map((t) => t.complete)).toEqual([false]);
    expect(traces.some((t) => t.awaitsTotals)).toBe(true);
  });

  it('names the traced turn in the logs of the same capture by its trace id', () => {
    const capture = loadCapture('codex', 'run1');
    const [turn] = traceTasksOf(codex, tracesOf(capture));
    const readings = logReadingsOf(codex, logsOf(capture));
    const requests = readings.flatMap((r) => (r.request === undefined ? [] : [r.request]));
    expect(requests.length).toBeGreaterThan(0);
    const conversation = '01a23394-2e65-7f21-8dae-52a060cae71f';
    const turnTrace = '13d7e9c86532a71be33072d96fe9400c';
    const key = `codex.turn\u0000${turnTrace}`;
    expect(turn?.draft.covers).toEqual([key]);
    expect(requests.every((r) => r.sessionId === conversation)).toBe(true);
    expect(new Set(requests.map((r) => r.coverKey))).toEqual(new Set([key]));
    // Covered only once a traced task of this bridge reported the key.
    const keys = new Set(requests.map((r) => r.coverKey as string));
    expect(codex.isCovered?.(keys, (k) => k === key)).toBe(true);
    expect(codex.isCovered?.(keys, () => false)).toBe(false);
  });

  it('gives the traced turn and its log-derived report one event id: conversation id + turn trace id', () => {
    const capture = loadCapture('codex', 'run1');
    const [turn] = traceTasksOf(codex, tracesOf(capture));
    const requests = logReadingsOf(codex, logsOf(capture)).flatMap((r) =>
      r.request === undefined ? [] : [r.request],
    );
    const keyed = new Set(requests.map((r) => `${r.sessionId}/${r.promptId}`));
    expect(keyed).toEqual(
      new Set(['01a23394-2e65-7f21-8dae-52a060cae71f/13d7e9c86532a71be33072d96fe9400c']),
    );
    const [first] = requests;
    const ids = codex.keyedTaskIds?.(first?.sessionId ?? '', first?.promptId ?? '', []);
    expect(ids).toEqual({ traceId: turn?.draft.traceId, spanId: turn?.draft.spanId });
    // Not the task span's own ids: those only the traces know.
    expect(turn?.draft.traceId).not.toBe('13d7e9c86532a71be33072d96fe9400c');
    expect(turn?.taskSpanId).toBe('2f07e5417e080c5a');
  });

  it('reports logs that name no turn trace (no trace exporter) from the logs, whatever else was traced', () => {
    const logs = withoutTraceContext(logsOf(loadCapture('codex', 'run2-protobuf')));
    const requests = logReadingsOf(codex, logs).flatMap((r) => (r.request ? [r.request] : []));
    // Codex logs `response.completed` twice per response, once without counts.
    const answered = requests.filter(
      (r) => !r.request?.failed && (r.request?.inputTokens ?? 0) > 0,
    );
    expect(answered.map((r) => [r.request?.inputTokens, r.request?.outputTokens])).toEqual([
      [2101, 61],
      [2302, 29],
    ]);
    expect(requests.every((r) => r.coverKey === undefined)).toBe(true);
    // Another developer's turn traced at the same time changes nothing: no key is shared.
    expect(codex.isCovered?.(new Set(), () => true)).toBe(false);
  });
});
