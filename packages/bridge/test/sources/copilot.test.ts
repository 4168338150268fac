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
function expected(truth: readonly GroundTruthLine[]) {
  let input = 0;
  let output = 0;
  for (const line of truth) {
    const u = (line.usage ?? {}) as Record<string, number>;
    if ('prompt_tokens' in u) {
      input += u.prompt_tokens ?? 0;
      output += u.completion_tokens ?? 0;
    } else if ('cache_read_input_tokens' in u) {
      input +=
        (u.input_tokens ?? 0) +
        (u.cache_read_input_tokens ?? 0) +
        (u.cache_creation_input_tokens ?? 0);
      output += u.output_tokens ?? 0;
    } else {
      input += u.input_tokens ?? 0;
      output += u.output_tokens ?? 0;
    }
  }
  return { input, output, failed: truth.at(-1)?.kind === 'error' };
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
