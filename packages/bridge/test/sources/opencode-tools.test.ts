import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { afterEach, describe, expect, it } from 'vitest';
import { openCode } from '../../src/sources/opencode.js';
import { type BridgeLoop, startBridgeLoop } from '../support/bridge-to-devserver.js';
import { type CapturedRequest, loadCapture, toProtobuf } from '../support/captures.js';
import { hex } from '../support/otlp-json.js';
import { tracesOf, traceTasksOf } from '../support/source-fixtures.js';

type KeyValue = { key: string; value: { stringValue?: string } };
type SpanJson = {
  name: string;
  spanId: string;
  attributes: KeyValue[];
  status?: { code?: number };
};
type TracesBody = { resourceSpans: Array<{ scopeSpans: Array<{ spans: SpanJson[] }> }> };

/** One tool call as OpenCode's AI SDK span names it: tool, arguments and result JSON. */
interface ToolCall {
  readonly name: string;
  readonly args: Record<string, unknown>;
  readonly result: Record<string, unknown>;
  /** The span's status code, where not the captured span's. */
  readonly status?: number;
}

const bash = (command: string, exit: number): ToolCall => ({
  name: 'bash',
  args: { command, description: 'Run it' },
  result: {
    title: command,
    metadata: { output: 'out\n', exit, truncated: false },
    output: 'out\n',
  },
});
const file = (name: string, filePath: string): ToolCall => ({
  name,
  args: name === 'edit' ? { filePath, oldString: 'a', newString: 'b' } : { filePath },
  result: { title: filePath, metadata: {}, output: 'ok' },
});

/** The tools run of the lane's `tools` scenario: two gates (lint fails), two `.ts`, one `.py`. */
const TOOL_CALLS: readonly ToolCall[] = [
  bash('npm test', 0),
  bash('npm run lint', 1),
  file('read', '/work/secret-repo/src/app.ts'),
  file('edit', '/work/secret-repo/src/util.ts'),
  file('read', '/work/secret-repo/tools/gen.py'),
];

/** About 100 KB of a failing linter's output, naming the repository's files. */
const LINT_OUTPUT = Array.from(
  { length: 2200 },
  (_, i) => `/work/secret-repo/src/f${i}.ts:1:1 error no-unused-vars\n`,
).join('');

/** A `bash` call whose output (and so its exit code, after it) is past 100 KB of result JSON. */
const longBash = (command: string, exit: number, status: number): ToolCall => ({
  name: 'bash',
  args: { command, description: 'Run it' },
  status,
  result: {
    title: command,
    metadata: { output: LINT_OUTPUT, exit, description: 'Run it', truncated: false },
    output: LINT_OUTPUT,
  },
});

/** A patch whose files that name a language are past its first 1,024 characters. */
const LONG_PATCH = [
  '*** Begin Patch',
  '*** Update File: LICENSE',
  '@@',
  ...Array.from({ length: 60 }, (_, i) => `+Permission is hereby granted to secret-repo, ${i}`),
  '*** Update File: src/main.rs',
  '@@',
  '-fn a() {}',
  '+fn b() {}',
  '*** Add File: src/lib.rs',
  '+pub fn f() {}',
  '*** End Patch',
].join('\n');

/**
 * A failing lint whose span status is unset and a passing test whose span status is ERROR (only
 * their exit codes, 100 KB into their results, tell), and a long patch of two Rust files.
 */
const LONG_CALLS: readonly ToolCall[] = [
  longBash('npm run lint', 1, 0),
  longBash('npm test', 0, 2),
  { name: 'apply_patch', args: { patchText: LONG_PATCH }, result: { output: 'ok' } },
];

/** What must never be stored: the commands, the paths, the captured command and its output. */
const NEVER_STORED = [
  'npm test',
  'npm run',
  'secret-repo',
  'app.ts',
  'gen.py',
  'hello.txt',
  'no-unused-vars',
  'Permission is hereby',
  'main.rs',
  'lib.rs',
];

const setAttr = (span: SpanJson, key: string, value: string) => {
  const kv = span.attributes.find((a) => a.key === key);
  if (kv === undefined) span.attributes.push({ key, value: { stringValue: value } });
  else kv.value = { stringValue: value };
};

/**
 * The captured OpenCode session (run2-fastflush: three model calls, one `bash` tool call) with
 * its calls' model set to `model` and the captured `ai.toolCall` span copied once per `calls`
 * (same parent, attributes and timing; its own span id, tool, arguments and result).
 */
function withToolCalls(
  model: string,
  calls: readonly ToolCall[],
  encoding?: 'json' | 'protobuf',
): CapturedRequest[] {
  return loadCapture('opencode', 'run2-fastflush').map((r) => {
    if (r.signal !== 'traces') return r;
    const json = structuredClone(r.json) as TracesBody;
    for (const rs of json.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        const added: SpanJson[] = [];
        for (const span of ss.spans) {
          if (span.name.startsWith('ai.streamText')) {
            setAttr(span, 'ai.model.id', model);
            setAttr(span, 'gen_ai.request.model', model);
          }
          if (span.name !== 'ai.toolCall') continue;
          for (const call of calls) {
            const copy = structuredClone(span);
            copy.spanId = hex(8);
            setAttr(copy, 'ai.toolCall.id', `call_${copy.spanId}`);
            setAttr(copy, 'ai.toolCall.name', call.name);
            setAttr(copy, 'ai.toolCall.args', JSON.stringify(call.args));
            setAttr(copy, 'ai.toolCall.result', JSON.stringify(call.result));
            if (call.status !== undefined) copy.status = { code: call.status };
            added.push(copy);
          }
        }
        ss.spans.push(...added);
      }
    }
    const asJson = (encoding ?? (r.contentType.includes('json') ? 'json' : 'protobuf')) === 'json';
    const body = asJson ? Buffer.from(JSON.stringify(json)) : toProtobuf('traces', json);
    const contentType = asJson ? 'application/json' : 'application/x-protobuf';
    return { ...r, json, body, contentType };
  });
}

/**
 * gpt-5's price (@pydantic/genai-prices 0.1.8), in micro-USD per token: 1.25 input, 0.125 cached
 * input, 10 output (reasoning included). The captured calls (input incl. cached, cached, output):
 * 88/0/7, 2101/1500/61, 2302/2048/29; each call is rounded to whole micros.
 */
const GPT5_COST =
  Math.round(88 * 1.25 + 7 * 10) +
  Math.round(601 * 1.25 + 1500 * 0.125 + 61 * 10) +
  Math.round(254 * 1.25 + 2048 * 0.125 + 29 * 10);

describe('source: OpenCode tool calls and cost', () => {
  it('reduces the ai.toolCall spans beneath the prompt to gates and file language keys', () => {
    const [task] = traceTasksOf(openCode, tracesOf(withToolCalls('gpt-5', TOOL_CALLS)));
    const gates = task?.activities?.flatMap((a) => (a.gateRun === undefined ? [] : [a.gateRun]));
    expect(gates).toEqual([
      { gates: ['test'], success: true },
      { gates: ['lint'], success: false },
    ]);
    const files = task?.activities?.flatMap((a) => a.files ?? []);
    expect(files?.map((f) => [f.path.replace(/^[0-9a-f]{16}\//, ''), f.edited])).toEqual([
      ['x.ts', false],
      ['x.ts', true],
      ['x.py', false],
    ]);
    expect(JSON.stringify(task)).not.toMatch(/secret-repo|npm /);
  });

  it('reads the files an apply_patch adds or updates, and a bash call of no exit code by its status', () => {
    const patch = [
      '*** Begin Patch',
      '*** Update File: src/a.rs',
      '@@',
      '-x',
      '+y',
      '*** Add File: src/b.rs',
      '+fn main() {}',
      '*** End Patch',
    ].join('\n');
    const [task] = traceTasksOf(
      openCode,
      tracesOf(
        withToolCalls('gpt-5', [
          { name: 'apply_patch', args: { patchText: patch }, result: { output: 'ok' } },
          { name: 'bash', args: { command: 'cargo test' }, result: { output: 'cut' } },
        ]),
      ),
    );
    const files = task?.activities?.flatMap((a) => a.files ?? []);
    expect(files?.map((f) => [f.path.replace(/^[0-9a-f]{16}\//, ''), f.edited])).toEqual([
      ['x.rs', true],
      ['x.rs', true],
    ]);
    expect(task?.activities?.find((a) => a.gateRun)?.gateRun).toEqual({
      gates: ['test'],
      success: true,
    });
  });

  it('prices each model call from its usage and marks an unknown model uncosted', () => {
    const [priced] = traceTasksOf(openCode, tracesOf(withToolCalls('gpt-5', [])));
    expect(priced?.draft).toMatchObject({ costMicros: GPT5_COST, uncosted: false });
    const [unknown] = traceTasksOf(openCode, tracesOf(loadCapture('opencode', 'run2-fastflush')));
    expect(unknown?.draft).toMatchObject({ costMicros: 0, uncosted: true });
  });
});

describe('source: OpenCode tool calls through a real bridge', () => {
  let loop: BridgeLoop | undefined;
  afterEach(async () => {
    await loop?.close();
    loop = undefined;
  });

  it('stores gates [lint, test] with lint failed, language typescript and gpt-5’s cost, and none of the text', async () => {
    loop = await startBridgeLoop({ grpcPort: false });
    const statuses = await loop.send(withToolCalls('gpt-5', TOOL_CALLS));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const events = await loop.finish();
    expect(events).toHaveLength(1);
    const event = events[0];
    expect(validateTaskCompletionEvent(event)).toEqual([]);
    expect(event).toMatchObject({
      actual_input_tokens: 88 + 2101 + 2302,
      actual_output_tokens: 7 + 61 + 29,
      model: 'gpt-5',
      outcome: 'success',
      quality_gates_run: ['lint', 'test'],
      quality_gates_failed: ['lint'],
      quality_gate_passed: false,
      language: 'typescript',
      actual_cost_usd_micros: GPT5_COST,
    });
    const stored = JSON.stringify(events);
    for (const text of NEVER_STORED) expect(stored).not.toContain(text);
  });
});

describe('source: OpenCode tool calls of long text through a real bridge', () => {
  let loop: BridgeLoop | undefined;
  afterEach(async () => {
    await loop?.close();
    loop = undefined;
  });

  it('the test data is past what a 1,024-character value would keep', () => {
    expect(LINT_OUTPUT.length).toBeGreaterThan(100_000);
    expect(LONG_PATCH.indexOf('*** Update File: src/main.rs')).toBeGreaterThan(1024);
  });

  for (const encoding of ['json', 'protobuf'] as const) {
    it(`reads the exit codes past 100 KB of bash output and the files past 1,024 characters of a patch (${encoding})`, async () => {
      loop = await startBridgeLoop({ grpcPort: false });
      const statuses = await loop.send(withToolCalls('gpt-5', LONG_CALLS, encoding));
      expect(statuses.every((s) => s === 200)).toBe(true);
      const events = await loop.finish();
      expect(events).toHaveLength(1);
      expect(validateTaskCompletionEvent(events[0])).toEqual([]);
      expect(events[0]).toMatchObject({
        quality_gates_run: ['lint', 'test'],
        quality_gates_failed: ['lint'],
        quality_gate_passed: false,
        language: 'rust',
      });
      const stored = JSON.stringify(events);
      for (const text of NEVER_STORED) expect(stored).not.toContain(text);
    });
  }
});
