import {
  TASK_SPAN_ATTRIBUTE_ALLOWLIST,
  validateTaskCompletionEvent,
} from '@mosaicstack/telemetry-semconv';
import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { finishedSpans } from '../../../../test/support/finished-spans.js';
import { eventIdFor } from '../../src/conversion/event-id.js';
import { spanRecordOf } from '../../src/conversion/span-record.js';
import { toTaskEvent } from '../../src/conversion/span-to-event.js';
import type { TaskUsage } from '../../src/conversion/task-usage.js';

const INSTANCE = '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b';

function convert(
  attributes: Record<string, unknown>,
  extra: { usage?: TaskUsage; status?: SpanStatusCode; startMs?: number; endMs?: number } = {},
) {
  const corrections: string[] = [];
  const [span] = finishedSpans([
    {
      attributes: attributes as never,
      startMs: extra.startMs ?? 1_700_000_000_000,
      endMs: extra.endMs ?? 1_700_000_012_345,
      ...(extra.status === undefined ? {} : { status: extra.status }),
    },
  ]);
  if (span === undefined) throw new Error('no span');
  const event = toTaskEvent(spanRecordOf(span), {
    instanceId: INSTANCE,
    harness: 'claude_code',
    usage: extra.usage,
    onCorrection: (key) => corrections.push(key),
  });
  return { event, corrections, span };
}

describe('toTaskEvent', () => {
  describe('attributes', () => {
    it('maps every attribute of the table to its event field', () => {
      const { event, corrections, span } = convert({
        'mosaic.task.type': 'debugging',
        'mosaic.task.complexity': 'high',
        'mosaic.task.outcome': 'partial',
        'mosaic.task.retry_count': 2,
        'mosaic.task.language': 'typescript',
        'mosaic.task.repo_size': 'large',
        'mosaic.harness': 'aider',
        'gen_ai.request.model': 'claude-sonnet-4-5',
        'gen_ai.response.model': 'ignored-when-request-model-set',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 340,
        'mosaic.tokens.estimated_input': 1000,
        'mosaic.tokens.estimated_output': 300,
        'mosaic.cost.estimated_usd_micros': 4000,
        'mosaic.cost.actual_usd_micros': 5100,
        'mosaic.quality.passed': true,
        'mosaic.quality.gates_run': ['build', 'lint', 'test'],
        'mosaic.quality.gates_failed': ['lint'],
        'mosaic.context.compactions': 3,
        'mosaic.context.rotations': 1,
        'mosaic.context.utilization': 0.75,
      });
      expect(corrections).toEqual([]);
      const { traceId, spanId } = span.spanContext();
      expect(event).toEqual({
        instance_id: INSTANCE,
        event_id: eventIdFor(traceId, spanId),
        schema_version: '1.0',
        timestamp: '2023-11-14T22:13:32.345Z',
        task_duration_ms: 12_345,
        task_type: 'debugging',
        complexity: 'high',
        harness: 'aider',
        model: 'claude-sonnet-4-5',
        provider: 'anthropic',
        estimated_input_tokens: 1000,
        estimated_output_tokens: 300,
        actual_input_tokens: 1200,
        actual_output_tokens: 340,
        estimated_cost_usd_micros: 4000,
        actual_cost_usd_micros: 5100,
        quality_gate_passed: true,
        quality_gates_run: ['build', 'lint', 'test'],
        quality_gates_failed: ['lint'],
        context_compactions: 3,
        context_rotations: 1,
        context_utilization_final: 0.75,
        outcome: 'partial',
        retry_count: 2,
        language: 'typescript',
        repo_size_category: 'large',
      });
      expect(validateTaskCompletionEvent(event)).toEqual([]);
    });

    it('fills every default when only the task type is set', () => {
      const { event, corrections } = convert({ 'mosaic.task.type': 'testing' });
      expect(corrections).toEqual([]);
      expect(event).toMatchObject({
        complexity: 'medium',
        harness: 'claude_code',
        model: 'unknown',
        provider: 'unknown',
        estimated_input_tokens: 0,
        estimated_output_tokens: 0,
        actual_input_tokens: 0,
        actual_output_tokens: 0,
        estimated_cost_usd_micros: 0,
        actual_cost_usd_micros: 0,
        quality_gate_passed: false,
        quality_gates_run: [],
        quality_gates_failed: [],
        context_compactions: 0,
        context_rotations: 0,
        context_utilization_final: 0,
        outcome: 'success',
        retry_count: 0,
        language: null,
        repo_size_category: null,
      });
    });

    it('takes the outcome from an ERROR status when none is set', () => {
      expect(
        convert({ 'mosaic.task.type': 'testing' }, { status: SpanStatusCode.ERROR }).event.outcome,
      ).toBe('failure');
      expect(
        convert(
          { 'mosaic.task.type': 'testing', 'mosaic.task.outcome': 'timeout' },
          { status: SpanStatusCode.ERROR },
        ).event.outcome,
      ).toBe('timeout');
    });

    it('falls back to the response model and the legacy gen_ai.system', () => {
      const { event } = convert({
        'mosaic.task.type': 'testing',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.system': 'openai',
      });
      expect(event.model).toBe('gpt-4o-2024-08-06');
      expect(event.provider).toBe('openai');
    });

    it.each([
      ['gcp.gemini', 'google'],
      ['gcp.vertex_ai', 'google'],
      ['gcp.gen_ai', 'google'],
      ['mistral_ai', 'mistral'],
      ['openai.chat', 'openai'],
      ['anthropic.messages', 'anthropic'],
      ['OpenRouter', 'openrouter'],
      ['acme-llm', 'custom'],
    ])('maps provider %s to %s', (raw, wire) => {
      expect(
        convert({ 'mosaic.task.type': 'testing', 'gen_ai.provider.name': raw }).event.provider,
      ).toBe(wire);
    });
  });

  describe('folded usage', () => {
    const usage: TaskUsage = {
      inputTokens: 900,
      outputTokens: 80,
      model: 'gpt-4o',
      provider: 'openai',
    };

    it('uses the usage of the model calls when the task span has none', () => {
      const { event } = convert({ 'mosaic.task.type': 'implementation' }, { usage });
      expect(event).toMatchObject({
        actual_input_tokens: 900,
        actual_output_tokens: 80,
        model: 'gpt-4o',
        provider: 'openai',
      });
    });

    it('lets explicit task attributes win over folded usage', () => {
      const { event } = convert(
        {
          'mosaic.task.type': 'implementation',
          'gen_ai.usage.input_tokens': 5,
          'gen_ai.request.model': 'claude-opus-4',
          'gen_ai.provider.name': 'anthropic',
        },
        { usage },
      );
      expect(event).toMatchObject({
        actual_input_tokens: 5,
        actual_output_tokens: 80,
        model: 'claude-opus-4',
        provider: 'anthropic',
      });
    });
  });

  describe('bad values', () => {
    it('corrects or defaults every garbage value, counts it, and stays valid', () => {
      const { event, corrections } = convert({
        'mosaic.task.type': 'Cooking',
        'mosaic.task.complexity': 'extreme',
        'mosaic.task.outcome': 42,
        'mosaic.task.retry_count': -3,
        'mosaic.task.language': 'x'.repeat(500),
        'mosaic.task.repo_size': 'galactic',
        'mosaic.harness': '',
        'gen_ai.request.model': 'm'.repeat(500),
        'gen_ai.provider.name': true,
        'gen_ai.usage.input_tokens': Number.NaN,
        'gen_ai.usage.output_tokens': 1e12,
        'mosaic.tokens.estimated_input': 12.9,
        'mosaic.tokens.estimated_output': Number.POSITIVE_INFINITY,
        'mosaic.cost.estimated_usd_micros': '100',
        'mosaic.cost.actual_usd_micros': -1,
        'mosaic.quality.passed': 'yes',
        'mosaic.quality.gates_run': ['build', 'deploy', 'BUILD', 'test'],
        'mosaic.quality.gates_failed': 'lint',
        'mosaic.context.compactions': 1000,
        'mosaic.context.rotations': 51,
        'mosaic.context.utilization': 1.5,
      });
      expect(validateTaskCompletionEvent(event)).toEqual([]);
      expect(event).toMatchObject({
        task_type: 'unknown',
        complexity: 'medium',
        outcome: 'success',
        retry_count: 0,
        language: 'x'.repeat(30),
        repo_size_category: null,
        harness: 'claude_code',
        model: 'm'.repeat(100),
        provider: 'unknown',
        actual_input_tokens: 0,
        actual_output_tokens: 10_000_000,
        estimated_input_tokens: 12,
        estimated_output_tokens: 10_000_000,
        estimated_cost_usd_micros: 0,
        actual_cost_usd_micros: 0,
        quality_gate_passed: false,
        quality_gates_run: ['build', 'test'],
        quality_gates_failed: [],
        context_compactions: 100,
        context_rotations: 50,
        context_utilization_final: 1,
      });
      expect(new Set(corrections).size).toBe(21);
    });

    it('clamps a duration over 24 h', () => {
      const { event, corrections } = convert(
        { 'mosaic.task.type': 'planning' },
        { startMs: 1_700_000_000_000, endMs: 1_700_000_000_000 + 90_000_000 },
      );
      expect(event.task_duration_ms).toBe(86_400_000);
      expect(corrections).toEqual(['task_duration_ms']);
    });

    it('trims and lower-cases enum words it can recognise, counting the correction', () => {
      const { event, corrections } = convert({
        'mosaic.task.type': ' Code_Review ',
        'mosaic.harness': 'my-cli',
      });
      expect(event.task_type).toBe('code_review');
      expect(event.harness).toBe('custom');
      expect(corrections).toEqual(['mosaic.task.type', 'mosaic.harness']);
    });
  });

  describe('allowlist', () => {
    it('reads nothing but allowlisted keys into the event', () => {
      const secrets = {
        'gen_ai.prompt': 'SECRET-PROMPT',
        'gen_ai.completion': 'SECRET-COMPLETION',
        'gen_ai.input.messages': 'SECRET-MESSAGES',
        'user.email': 'someone@example.com',
        'url.full': 'https://internal.example.com/secret',
        'code.filepath': '/home/someone/secret.ts',
      };
      const { event } = convert({ 'mosaic.task.type': 'testing', ...secrets });
      const json = JSON.stringify(event);
      for (const value of Object.values(secrets)) expect(json).not.toContain(value);
      expect(TASK_SPAN_ATTRIBUTE_ALLOWLIST).not.toContain('gen_ai.prompt');
    });

    it('never writes to the span', () => {
      const attributes = { 'mosaic.task.type': 'Cooking', 'mosaic.task.retry_count': -1 };
      const { span } = convert(attributes);
      expect(span.attributes).toEqual(attributes);
    });
  });
});
