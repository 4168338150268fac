import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { makeEvent } from '../make-event.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Eleven models, one of them under two providers and one with a very long name. */
export const MODELS = [
  ['anthropic', 'claude-sonnet-4-5'],
  ['anthropic', 'claude-opus-4-1'],
  ['anthropic', 'claude-haiku-4-5'],
  ['openai', 'gpt-4o'],
  ['openrouter', 'gpt-4o'],
  ['openai', 'o3'],
  ['openai', 'gpt-4.1-mini'],
  ['google', 'gemini-2.5-pro'],
  ['mistral', 'codestral'],
  ['ollama', 'qwen2.5-coder:32b'],
  ['custom', 'an-internal-fine-tuned-model-with-a-name-far-longer-than-any-label-has-room-for'],
] as const;

const TASK_TYPES = [
  'planning',
  'implementation',
  'code_review',
  'testing',
  'debugging',
  'refactoring',
  'documentation',
  'configuration',
  'security_audit',
] as const;
const OUTCOMES = ['success', 'success', 'success', 'failure', 'partial', 'timeout'] as const;

/**
 * A realistic spread of tasks relative to `now`: 30 in the last 30 minutes, 50 three to four days
 * ago and 40 about twenty days ago, over eleven models and nine task types, most with estimates.
 */
export function sampleTasks(instanceId: string, now: number): TaskCompletionEvent[] {
  const ages = [
    ...Array.from({ length: 30 }, (_, i) => i * MINUTE + 30_000),
    ...Array.from({ length: 50 }, (_, i) => 3 * DAY + i * 20 * MINUTE),
    ...Array.from({ length: 40 }, (_, i) => 20 * DAY + i * 30 * MINUTE),
  ];
  return ages.map((age, i) => {
    const [provider, model] = MODELS[(i * 7) % MODELS.length] as (typeof MODELS)[number];
    const input = 2_000 + ((i * 7_919) % 90_000);
    const failed = i % 5 === 0;
    return makeEvent(instanceId, {
      timestamp: new Date(now - age).toISOString(),
      task_type: TASK_TYPES[i % TASK_TYPES.length] as (typeof TASK_TYPES)[number],
      complexity: (['low', 'medium', 'high', 'critical'] as const)[i % 4],
      harness: (['claude_code', 'opencode', 'aider', 'api_direct'] as const)[i % 4],
      provider,
      model,
      task_duration_ms: 3_000 + ((i * 104_729) % 600_000),
      estimated_input_tokens: i % 3 === 0 ? 0 : Math.round(input * 0.8),
      estimated_output_tokens: i % 3 === 0 ? 0 : 3_000,
      actual_input_tokens: input,
      actual_output_tokens: 500 + ((i * 31) % 8_000),
      actual_cost_usd_micros: input * 3 + (i % 11) * 20_000,
      quality_gate_passed: !failed,
      quality_gates_run: ['build', 'lint', 'test'],
      quality_gates_failed: failed ? ['test'] : [],
      outcome: OUTCOMES[i % OUTCOMES.length] as (typeof OUTCOMES)[number],
      retry_count: i % 4 === 0 ? 1 : 0,
    });
  });
}
