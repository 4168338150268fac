import {
  ATTR_MOSAIC_TASK_TYPE,
  Complexity,
  Harness,
  MAX_CONTEXT_COMPACTIONS,
  MAX_CONTEXT_ROTATIONS,
  MAX_COST_USD_MICROS,
  MAX_EVENTS_PER_BATCH,
  MAX_LANGUAGE_LENGTH,
  MAX_MODEL_LENGTH,
  MAX_QUERIES_PER_BATCH,
  MAX_RETRY_COUNT,
  MAX_TASK_DURATION_MS,
  MAX_TOKENS,
  Outcome,
  Provider,
  QualityGate,
  RepoSizeCategory,
  SCHEMA_VERSION,
  TASK_SPAN_ATTRIBUTE_ALLOWLIST,
  type TaskCompletionEvent,
  TaskType,
  validateTaskCompletionEvent,
} from '@mosaicstack/telemetry-semconv';
import { describe, expect, it } from 'vitest';

describe('semconv', () => {
  describe('enums', () => {
    it('pins every wire value exactly as schema 1.0', () => {
      expect(Object.values(TaskType)).toEqual([
        'planning',
        'implementation',
        'code_review',
        'testing',
        'debugging',
        'refactoring',
        'documentation',
        'configuration',
        'security_audit',
        'unknown',
      ]);
      expect(Object.values(Complexity)).toEqual(['low', 'medium', 'high', 'critical']);
      expect(Object.values(Harness)).toEqual([
        'claude_code',
        'opencode',
        'kilo_code',
        'aider',
        'api_direct',
        'ollama_local',
        'custom',
        'unknown',
      ]);
      expect(Object.values(Provider)).toEqual([
        'anthropic',
        'openai',
        'openrouter',
        'ollama',
        'google',
        'mistral',
        'custom',
        'unknown',
      ]);
      expect(Object.values(Outcome)).toEqual(['success', 'failure', 'partial', 'timeout']);
      expect(Object.values(QualityGate)).toEqual([
        'build',
        'lint',
        'test',
        'coverage',
        'typecheck',
        'security',
      ]);
      expect(Object.values(RepoSizeCategory)).toEqual(['tiny', 'small', 'medium', 'large', 'huge']);
    });
  });

  describe('limits', () => {
    it('pins the schema 1.0 limits', () => {
      expect(SCHEMA_VERSION).toBe('1.0');
      expect([
        MAX_EVENTS_PER_BATCH,
        MAX_QUERIES_PER_BATCH,
        MAX_TASK_DURATION_MS,
        MAX_TOKENS,
        MAX_COST_USD_MICROS,
        MAX_CONTEXT_COMPACTIONS,
        MAX_CONTEXT_ROTATIONS,
        MAX_RETRY_COUNT,
        MAX_MODEL_LENGTH,
        MAX_LANGUAGE_LENGTH,
      ]).toEqual([100, 50, 86_400_000, 10_000_000, 100_000_000, 100, 50, 20, 100, 30]);
    });
  });

  describe('attributes', () => {
    it('allowlists the 23 keys of the attribute table and nothing else', () => {
      expect(ATTR_MOSAIC_TASK_TYPE).toBe('mosaic.task.type');
      expect(TASK_SPAN_ATTRIBUTE_ALLOWLIST).toHaveLength(23);
      for (const key of TASK_SPAN_ATTRIBUTE_ALLOWLIST) {
        expect(key).toMatch(/^(mosaic\.|gen_ai\.(request|response|provider|system|usage))/);
      }
    });
  });

  describe('validateTaskCompletionEvent', () => {
    const valid: TaskCompletionEvent = {
      instance_id: '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b',
      event_id: '9d8c7b6a-5f4e-4d3c-8b2a-1a0b9c8d7e6f',
      schema_version: '1.0',
      timestamp: '2026-11-23T03:00:00.000Z',
      task_duration_ms: 1000,
      task_type: 'implementation',
      complexity: 'medium',
      harness: 'claude_code',
      model: 'claude-sonnet-4-5',
      provider: 'anthropic',
      estimated_input_tokens: 0,
      estimated_output_tokens: 0,
      actual_input_tokens: 10,
      actual_output_tokens: 5,
      estimated_cost_usd_micros: 0,
      actual_cost_usd_micros: 12,
      quality_gate_passed: true,
      quality_gates_run: ['build', 'test'],
      quality_gates_failed: [],
      context_compactions: 0,
      context_rotations: 0,
      context_utilization_final: 0.5,
      outcome: 'success',
      retry_count: 0,
      language: 'typescript',
      repo_size_category: null,
    };

    it('accepts a valid event', () => {
      expect(validateTaskCompletionEvent(valid)).toEqual([]);
    });

    it('names each bad field', () => {
      const bad = {
        ...valid,
        extra: 1,
        event_id: 'x',
        task_type: 'cooking',
        actual_input_tokens: 10_000_001,
        retry_count: 1.5,
        model: '',
        quality_gates_run: ['build', 'deploy'],
        context_utilization_final: 1.1,
        language: 'x'.repeat(31),
        repo_size_category: 'enormous',
        schema_version: '2.0',
        timestamp: 'yesterday',
      };
      const problems = validateTaskCompletionEvent(bad).map((p) => p.split(':')[0]);
      expect(problems.sort()).toEqual(
        [
          'extra',
          'event_id',
          'schema_version',
          'timestamp',
          'task_type',
          'actual_input_tokens',
          'retry_count',
          'model',
          'quality_gates_run',
          'context_utilization_final',
          'language',
          'repo_size_category',
        ].sort(),
      );
    });

    it('rejects a missing field and a non-object', () => {
      const { model: _model, ...missing } = valid;
      expect(validateTaskCompletionEvent(missing)).toEqual([
        'model: must be a string of 1 to 100 characters',
      ]);
      expect(validateTaskCompletionEvent([])).toEqual(['event: must be a JSON object']);
    });
  });
});
