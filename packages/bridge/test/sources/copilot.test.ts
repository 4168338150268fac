import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { afterEach, describe, expect, it } from 'vitest';
import { copilot } from '../../src/sources/copilot.js';
import { SOURCES } from '../../src/sources/index.js';
import { invokeAgent } from '../../src/sources/invoke-agent.js';
import { type BridgeLoop, startBridgeLoop } from '../support/bridge-to-devserver.js';
import {
  type CapturedRequest,
  type GroundTruthLine,
  loadCapture,
  loadGroundTruth,
  toProtobuf,
} from '../support/captures.js';
import { tracesOf, traceTasksOf } from '../support/source-fixtures.js';

/**
 * The fake's ground truth in the bridge's token meaning: OpenAI counts (Chat Completions or
 * Responses) include cached input and reasoning output; Anthropic's add cache reads and writes.
 */
/**
 * Prices in USD micros per token (`@pydantic/genai-prices` 0.1.8): gpt-5 input 1.25, cached input
 * 0.125, output 10 (reasoning inside); claude-sonnet-4-5 input 3, cache read 0.3, cache write
 * 3.75, output 15. Each request is rounded to whole micros, then summed.
 */
const GPT_5 = { input: 1.25, cacheRead: 0.125, output: 10 };
const SONNET_4_5 = { input: 3, cacheRead: 0.3, cacheWrite: 3.75, output: 15 };

function expected(truth: readonly GroundTruthLine[]) {
  let input = 0;
  let output = 0;
  let cost = 0;
  for (const line of truth) {
    const u = (line.usage ?? {}) as Record<string, number> & {
      prompt_tokens_details?: { cached_tokens?: number };
      input_tokens_details?: { cached_tokens?: number };
    };
    if ('prompt_tokens' in u) {
      const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
      input += u.prompt_tokens ?? 0;
      output += u.completion_tokens ?? 0;
      cost += Math.round(
        ((u.prompt_tokens ?? 0) - cached) * GPT_5.input +
          cached * GPT_5.cacheRead +
          (u.completion_tokens ?? 0) * GPT_5.output,
      );
    } else if ('cache_read_input_tokens' in u) {
      input +=
        (u.input_tokens ?? 0) +
        (u.cache_read_input_tokens ?? 0) +
        (u.cache_creation_input_tokens ?? 0);
      output += u.output_tokens ?? 0;
      cost += Math.round(
        (u.input_tokens ?? 0) * SONNET_4_5.input +
          (u.cache_read_input_tokens ?? 0) * SONNET_4_5.cacheRead +
          (u.cache_creation_input_tokens ?? 0) * SONNET_4_5.cacheWrite +
          (u.output_tokens ?? 0) * SONNET_4_5.output,
      );
    } else if ('input_tokens' in u) {
      const cached = u.input_tokens_details?.cached_tokens ?? 0;
      input += u.input_tokens ?? 0;
      output += u.output_tokens ?? 0;
      cost += Math.round(
        ((u.input_tokens ?? 0) - cached) * GPT_5.input +
          cached * GPT_5.cacheRead +
          (u.output_tokens ?? 0) * GPT_5.output,
      );
    }
  }
  return { input, output, cost, failed: truth.at(-1)?.kind === 'error' };
}

/** What Copilot CLI's stored events must never hold: prompt, commands, paths, file text. */
const NEVER_STORED = [
  'Run cat hello.txt',
  'hello.txt',
  'npm run',
  'src/app.ts',
  'gen.py',
  'export const',
  '/tmp/agents-capture',
];

const CASES = [
  { run: 'run1', raw: false, model: 'gpt-5', provider: 'openai' },
  { run: 'run2-protobuf-responses', raw: true, model: 'gpt-5', provider: 'openai' },
  { run: 'run3-anthropic', raw: true, model: 'claude-sonnet-4-5', provider: 'anthropic' },
  { run: 'run4-errors', raw: false, model: 'gpt-5', provider: 'openai' },
] as const;

type KeyValue = { key: string; value: { stringValue?: string } };
type SpanJson = { attributes: KeyValue[] };
type TracesBody = { resourceSpans: Array<{ scopeSpans: Array<{ spans: SpanJson[] }> }> };

/** About 100 KB of text naming the repository's files (a file written, a linter's output). */
const LONG_TEXT = Array.from(
  { length: 2200 },
  (_, i) => `/work/secret-repo/src/f${i}.ts:1:1 error no-unused-vars\n`,
).join('');

/**
 * The captured tools run (run5-tools: views of app.ts, gen.py and util.ts; `npm run test` passing,
 * `npm run lint` failing) with long text: the app.ts view becomes a `create` of src/main.rs with
 * 100 KB of file text, the util.ts view an `edit` of src/lib.rs whose path comes after 100 KB of
 * strings (both without `github.copilot.tool.parameters.file_path`, so only the arguments name
 * the file), and the lint's result is 100 KB of output.
 */
function withLongToolText(encoding: 'json' | 'protobuf'): CapturedRequest[] {
  return loadCapture('copilot', 'run5-tools').map((r) => {
    if (r.signal !== 'traces') return r;
    const json = structuredClone(r.json) as TracesBody;
    const spans = json.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    for (const span of spans) {
      const attr = (key: string) => span.attributes.find((a) => a.key === key)?.value.stringValue;
      const set = (key: string, value: string) => {
        const kv = span.attributes.find((a) => a.key === key);
        if (kv === undefined) span.attributes.push({ key, value: { stringValue: value } });
        else kv.value = { stringValue: value };
      };
      const args = attr('gen_ai.tool.call.arguments') ?? '';
      const withoutFilePath = () => {
        span.attributes = span.attributes.filter(
          (a) => a.key !== 'github.copilot.tool.parameters.file_path',
        );
      };
      if (args.includes('src/app.ts')) {
        set('gen_ai.tool.name', 'create');
        set(
          'gen_ai.tool.call.arguments',
          JSON.stringify({ path: '/work/secret-repo/src/main.rs', file_text: LONG_TEXT }),
        );
        withoutFilePath();
      } else if (args.includes('src/util.ts')) {
        set('gen_ai.tool.name', 'edit');
        set(
          'gen_ai.tool.call.arguments',
          JSON.stringify({
            old_str: LONG_TEXT,
            new_str: LONG_TEXT.slice(1),
            path: '/work/secret-repo/src/lib.rs',
          }),
        );
        withoutFilePath();
      } else if (args.includes('npm run lint')) {
        set('gen_ai.tool.call.result', `${LONG_TEXT}<shellId: 1 completed with exit code 1>`);
      }
    }
    const body =
      encoding === 'json' ? Buffer.from(JSON.stringify(json)) : toProtobuf('traces', json);
    const contentType = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
    return { ...r, json, body, contentType };
  });
}

describe('source: Copilot CLI', () => {
  it('is asked before the generic invoke_agent rule', () => {
    expect(SOURCES.indexOf(copilot)).toBeLessThan(SOURCES.indexOf(invokeAgent));
  });

  it('finds one task per root invoke_agent span and fails a run whose agent span is ERROR', () => {
    const ok = traceTasksOf(copilot, tracesOf(loadCapture('copilot', 'run1')));
    const failed = traceTasksOf(copilot, tracesOf(loadCapture('copilot', 'run4-errors')));
    expect(ok.map((t) => t.draft.failed)).toEqual([false]);
    expect(failed.map((t) => t.draft.failed)).toEqual([true]);
  });

  it('reads no command without the content-capture setting (the exit code alone names no gate)', () => {
    const [task] = traceTasksOf(copilot, tracesOf(loadCapture('copilot', 'run1')));
    expect(task?.activities).toBeUndefined();
  });
});

describe('source: Copilot CLI, captured runs through a real bridge', () => {
  let loop: BridgeLoop | undefined;
  afterEach(async () => {
    await loop?.close();
    loop = undefined;
  });

  for (const c of CASES) {
    it(`stores one event per prompt equal to the ground truth: ${c.run}`, async () => {
      loop = await startBridgeLoop({ grpcPort: false });
      const statuses = await loop.send(loadCapture('copilot', c.run, { raw: c.raw }));
      expect(statuses.every((s) => s === 200)).toBe(true);
      const events = await loop.finish();
      const truth = expected(loadGroundTruth('copilot', c.run));
      expect(events).toHaveLength(1);
      const event = events[0];
      expect(validateTaskCompletionEvent(event)).toEqual([]);
      expect(event).toMatchObject({
        actual_input_tokens: truth.input,
        actual_output_tokens: truth.output,
        actual_cost_usd_micros: truth.cost,
        model: c.model,
        provider: c.provider,
        harness: 'custom',
        outcome: truth.failed ? 'failure' : 'success',
        quality_gates_run: [],
        language: null,
      });
    });
  }

  it('derives gates from bash exit codes and language from viewed files, and stores none of their text', async () => {
    loop = await startBridgeLoop({ grpcPort: false });
    await loop.send(loadCapture('copilot', 'run5-tools', { raw: true }));
    const events = await loop.finish();
    const truth = expected(loadGroundTruth('copilot', 'run5-tools'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actual_input_tokens: truth.input,
      actual_output_tokens: truth.output,
      quality_gates_run: ['lint', 'test'],
      quality_gates_failed: ['lint'],
      quality_gate_passed: false,
      language: 'typescript',
      outcome: 'success',
    });
    const stored = JSON.stringify(events);
    for (const text of NEVER_STORED) expect(stored).not.toContain(text);
  });
});

describe('source: Copilot CLI tool calls of long text through a real bridge', () => {
  let loop: BridgeLoop | undefined;
  afterEach(async () => {
    await loop?.close();
    loop = undefined;
  });

  for (const encoding of ['json', 'protobuf'] as const) {
    it(`reads the files named by 100 KB arguments and the gates of a bash call with 100 KB of output (${encoding})`, async () => {
      loop = await startBridgeLoop({ grpcPort: false });
      const statuses = await loop.send(withLongToolText(encoding));
      expect(statuses.every((s) => s === 200)).toBe(true);
      const events = await loop.finish();
      expect(events).toHaveLength(1);
      expect(validateTaskCompletionEvent(events[0])).toEqual([]);
      expect(events[0]).toMatchObject({
        quality_gates_run: ['lint', 'test'],
        quality_gates_failed: ['lint'],
        quality_gate_passed: false,
        // main.rs and lib.rs edited, gen.py viewed: only the long arguments name the Rust files.
        language: 'rust',
      });
      const stored = JSON.stringify(events);
      for (const text of [...NEVER_STORED, 'secret-repo', 'no-unused-vars', 'main.rs', 'lib.rs']) {
        expect(stored).not.toContain(text);
      }
    });
  }
});
