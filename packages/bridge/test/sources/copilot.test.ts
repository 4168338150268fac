import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { afterEach, describe, expect, it } from 'vitest';
import { copilot } from '../../src/sources/copilot.js';
import { SOURCES } from '../../src/sources/index.js';
import { invokeAgent } from '../../src/sources/invoke-agent.js';
import { type BridgeLoop, startBridgeLoop } from '../support/bridge-to-devserver.js';
import { type GroundTruthLine, loadCapture, loadGroundTruth } from '../support/captures.js';
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
