import { randomUUID } from 'node:crypto';
import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';

/** A valid schema-1.0 event of `instanceId`, with a fresh event_id unless overridden. */
export function makeEvent(
  instanceId: string,
  overrides: Partial<TaskCompletionEvent> = {},
): TaskCompletionEvent {
  return {
    instance_id: instanceId,
    event_id: randomUUID(),
    schema_version: '1.0',
    timestamp: '2026-01-01T00:00:00.000Z',
    task_duration_ms: 1000,
    task_type: 'implementation',
    complexity: 'medium',
    harness: 'claude_code',
    model: 'claude-x',
    provider: 'anthropic',
    estimated_input_tokens: 0,
    estimated_output_tokens: 0,
    actual_input_tokens: 100,
    actual_output_tokens: 10,
    estimated_cost_usd_micros: 0,
    actual_cost_usd_micros: 1000,
    quality_gate_passed: true,
    quality_gates_run: ['build', 'test'],
    quality_gates_failed: [],
    context_compactions: 0,
    context_rotations: 0,
    context_utilization_final: 0.5,
    outcome: 'success',
    retry_count: 0,
    language: 'typescript',
    repo_size_category: 'medium',
    ...overrides,
  };
}
