import { describe, expect, it } from 'vitest';
import type { LogRecordLike } from '../../src/model/log-record-like.js';
import { claudeCode } from '../../src/sources/claude-code/index.js';
import { codex } from '../../src/sources/codex/index.js';
import { fileActivity } from '../../src/sources/file-activity.js';
import { gemini } from '../../src/sources/gemini.js';
import { loadCapture } from '../support/captures.js';
import { logReadingsOf, logsOf } from '../support/source-fixtures.js';

/** The captured records of one event, with some attributes replaced (a derived fixture). */
function withAttrs(
  logs: readonly LogRecordLike[],
  event: string,
  attrs: Record<string, unknown>,
): LogRecordLike[] {
  return logs.map((l) =>
    l.eventName === event ? { ...l, attributes: { ...l.attributes, ...attrs } } : l,
  ) as LogRecordLike[];
}

const activities = (readings: ReturnType<typeof logReadingsOf>) =>
  readings.flatMap((r) => (r.request?.activity === undefined ? [] : [r.request.activity]));

describe('tool records of the captured CLIs', () => {
  it('Claude Code: the captured tool_result (tool details off) gives no activity; with tool_input it gives the command’s gates', () => {
    const logs = logsOf(loadCapture('claude', 'run1'));
    expect(logs.some((l) => l.eventName === 'tool_result')).toBe(true);
    expect(activities(logReadingsOf(claudeCode, logs))).toEqual([]);
    const detailed = withAttrs(logs, 'tool_result', {
      tool_name: 'Bash',
      tool_input: JSON.stringify({ command: 'npx vitest run --coverage' }),
    });
    const [activity, ...rest] = activities(logReadingsOf(claudeCode, detailed));
    expect(rest).toEqual([]);
    expect(activity?.gateRun).toEqual({ gates: ['test', 'coverage'], success: true });
    expect(JSON.stringify(activity)).not.toContain('vitest');
  });

  it('Codex: the captured `cat hello.txt` is no gate; the same record running `pnpm test` is a passing test (exit code 0 in its output)', () => {
    const logs = logsOf(loadCapture('codex', 'run2-protobuf'));
    expect(activities(logReadingsOf(codex, logs))).toEqual([]);
    const detailed = withAttrs(logs, 'codex.tool_result', {
      arguments: JSON.stringify({ cmd: 'pnpm test' }),
    });
    const [activity] = activities(logReadingsOf(codex, detailed));
    expect(activity?.gateRun).toEqual({ gates: ['test'], success: true });
  });

  it('Codex: the captured responses are priced from their breakdown (gpt-5.5)', () => {
    const logs = logsOf(loadCapture('codex', 'run2-protobuf'));
    const priced = logReadingsOf(codex, logs).flatMap((r) =>
      r.request?.request?.costMicros === undefined ? [] : [r.request.request],
    );
    // gpt-5.5 below its long-context tier: USD 5 input, 0.5 cached input, 30 output per million
    // (reasoning inside the output).
    // 1st: (2,101 - 1,500) x 5 + 1,500 x 0.5 + 61 x 30 = 3,005 + 750 + 1,830 = 5,585
    // 2nd: (2,302 - 2,048) x 5 + 2,048 x 0.5 + 29 x 30 = 1,270 + 1,024 + 870 = 3,164
    expect(priced.map((r) => [r.model, r.costMicros, r.uncosted])).toEqual([
      ['gpt-5.5', 5_585, false],
      ['gpt-5.5', 3_164, false],
    ]);
  });

  it('Gemini: the captured api_response records are priced from input / cached / output / thoughts', () => {
    const logs = logsOf(loadCapture('gemini', 'run1'));
    const priced = logReadingsOf(gemini, logs).flatMap((r) =>
      r.request?.request?.costMicros === undefined ? [] : [r.request.request],
    );
    // Per million: gemini-3.5-flash-lite 0.3 input, 2.5 output; gemini-3.8-flash 0.75 input,
    // 0.075 cached, 3.75 output (thoughts at the output price). Each request rounded:
    // router: 66 x 0.3 + 5 x 2.5 = 32.3 -> 32
    // main 1: (3,101 - 1,024) x 0.75 + 1,024 x 0.075 + (41 + 13) x 3.75 = 1,837.05 -> 1,837
    // main 2: (3,202 - 2,048) x 0.75 + 2,048 x 0.075 + (19 + 7) x 3.75 = 1,116.6 -> 1,117
    expect(priced.map((r) => [r.model, r.costMicros])).toEqual([
      ['gemini-3.5-flash-lite', 32],
      ['gemini-3.8-flash', 1_837],
      ['gemini-3.8-flash', 1_117],
    ]);
  });

  it('Gemini: the captured read_file exports no function_args (no activity); with them it gives the file’s language key', () => {
    const logs = logsOf(loadCapture('gemini', 'run1'));
    expect(logs.some((l) => l.eventName === 'gemini_cli.tool_call')).toBe(true);
    expect(activities(logReadingsOf(gemini, logs))).toEqual([]);
    const detailed = withAttrs(logs, 'gemini_cli.tool_call', {
      function_args: JSON.stringify({ absolute_path: '/home/me/secret-project/hello.py' }),
    });
    const [activity] = activities(logReadingsOf(gemini, detailed));
    expect(activity?.files).toHaveLength(1);
    expect(activity?.files?.[0]?.path).toMatch(/^[0-9a-f]{16}\/x\.py$/);
    expect(activity?.files?.[0]?.edited).toBe(false);
  });
});

describe('fileActivity', () => {
  it('keeps a digest and the language key of each path, never the path', () => {
    const a = fileActivity('1', 0, ['/srv/acme/src/index.d.ts', 'C:\\acme\\Makefile'], true);
    const paths = a?.files?.map((f) => f.path) ?? [];
    expect(paths).toHaveLength(2);
    expect(paths[0]).toMatch(/^[0-9a-f]{16}\/x\.d\.ts$|^[0-9a-f]{16}\/x\.ts$/);
    expect(paths[1]).toMatch(/^[0-9a-f]{16}\/makefile$/);
    expect(paths.join()).not.toMatch(/acme|srv|index/);
  });

  it('drops names that name no language, and counts one file touched twice once', () => {
    expect(fileActivity('1', 0, ['/tmp/acme-notes', '/tmp/x.unknownext'], false)).toBeUndefined();
    const twice = fileActivity('1', 0, ['/a/b.rs', '/a/b.rs', '/a/c.rs'], true);
    expect(new Set(twice?.files?.map((f) => f.path)).size).toBe(2);
  });
});
