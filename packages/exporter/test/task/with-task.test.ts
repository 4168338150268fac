import {
  type PredictionQuery,
  type PredictionResponse,
  validateTaskCompletionEvent,
} from '@mosaicstack/telemetry-semconv';
import { context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { spanRecordOf } from '../../src/conversion/span-record.js';
import { toTaskEvent } from '../../src/conversion/span-to-event.js';
import { MosaicPredictions } from '../../src/predictions/mosaic-predictions.js';
import type { PredictionsReader } from '../../src/task/prefill-estimates.js';
import { taskAttributes } from '../../src/task/task-attributes.js';
import { withTask } from '../../src/task/with-task.js';
import { VERSION } from '../../src/version.js';
import { answerPredictions, predictionFor } from '../support/prediction-answers.js';

const spans = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const tracer = provider.getTracer('with-task-test');
const contextManager = new AsyncLocalStorageContextManager();

const TASK = { 'mosaic.task.type': 'implementation' } as const;

function finished(): ReadableSpan[] {
  return spans.getFinishedSpans();
}

function only(): ReadableSpan {
  const all = finished();
  expect(all).toHaveLength(1);
  return all[0] as ReadableSpan;
}

/** A reader that answers from a fixed map and records what it was asked. */
function readerOf(answer: PredictionResponse | undefined): PredictionsReader & {
  asked: PredictionQuery[];
} {
  const asked: PredictionQuery[] = [];
  return {
    asked,
    get(query) {
      asked.push(query);
      return answer;
    },
  };
}

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});

afterEach(() => {
  spans.reset();
});

afterAll(async () => {
  context.disable();
  trace.disable();
  await provider.shutdown();
});

describe('withTask', () => {
  describe('when fn is sync', () => {
    it('returns the value itself, not a promise, and ends the span with outcome success', () => {
      const value = { answer: 42 };

      const result = withTask(TASK, () => value, { tracer });

      expect(result).toBe(value);
      const span = only();
      expect(span.ended).toBe(true);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes['mosaic.task.outcome']).toBe('success');
      expect(span.attributes['mosaic.task.type']).toBe('implementation');
    });

    it('rethrows the very error and records failure, status ERROR and the exception', () => {
      const error = new TypeError('disk full');

      let thrown: unknown;
      try {
        withTask(
          TASK,
          () => {
            throw error;
          },
          { tracer },
        );
      } catch (e) {
        thrown = e;
      }

      expect(thrown).toBe(error);
      const span = only();
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'disk full' });
      expect(span.attributes['mosaic.task.outcome']).toBe('failure');
      expect(span.events.map((e) => e.name)).toEqual(['exception']);
      expect(span.events[0]?.attributes?.['exception.type']).toBe('TypeError');
      expect(span.events[0]?.attributes?.['exception.message']).toBe('disk full');
    });

    it('rethrows a thrown non-Error value as is', () => {
      expect(() =>
        withTask(
          TASK,
          () => {
            throw 'plain string';
          },
          { tracer },
        ),
      ).toThrow('plain string');

      const span = only();
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.events[0]?.attributes?.['exception.message']).toBe('plain string');
    });
  });

  describe('when fn is async', () => {
    it('resolves to the value and ends the span only when the promise settles', async () => {
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });

      const pending = withTask(
        TASK,
        async () => {
          await gate;
          return 'done';
        },
        { tracer },
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(finished()).toHaveLength(0);
      release();

      await expect(pending).resolves.toBe('done');
      expect(only().attributes['mosaic.task.outcome']).toBe('success');
    });

    it('rejects with the very error and records failure', async () => {
      const error = new Error('tests failed');

      const pending = withTask(
        TASK,
        async () => {
          await Promise.resolve();
          throw error;
        },
        { tracer },
      );

      await expect(pending).rejects.toBe(error);
      const span = only();
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'tests failed' });
      expect(span.attributes['mosaic.task.outcome']).toBe('failure');
      expect(span.events.map((e) => e.name)).toEqual(['exception']);
    });

    it('keeps the task span active across awaits inside fn', async () => {
      let seen: Span | undefined;
      let inner: Span | undefined;

      await withTask(
        TASK,
        async (span) => {
          inner = span;
          await new Promise((resolve) => setTimeout(resolve, 1));
          seen = trace.getActiveSpan();
        },
        { tracer },
      );

      expect(seen).toBeDefined();
      expect(seen).toBe(inner);
    });
  });

  describe('outcome', () => {
    it('keeps an outcome fn set on success', () => {
      withTask(TASK, (span) => span.setAttribute('mosaic.task.outcome', 'partial'), { tracer });

      expect(only().attributes['mosaic.task.outcome']).toBe('partial');
    });

    it('keeps an outcome other than success that fn set before throwing', async () => {
      await expect(
        withTask(
          TASK,
          async (span) => {
            span.setAttribute('mosaic.task.outcome', 'timeout');
            throw new Error('took too long');
          },
          { tracer },
        ),
      ).rejects.toThrow('took too long');

      expect(only().attributes['mosaic.task.outcome']).toBe('timeout');
    });

    it('turns an outcome of success into failure when fn throws after setting it', () => {
      expect(() =>
        withTask(
          TASK,
          (span) => {
            span.setAttribute('mosaic.task.outcome', 'success');
            throw new Error('late failure');
          },
          { tracer },
        ),
      ).toThrow('late failure');

      expect(only().attributes['mosaic.task.outcome']).toBe('failure');
    });
  });

  describe('spans', () => {
    it('makes a task started inside another its child', async () => {
      await withTask(
        TASK,
        async () => {
          await withTask({ 'mosaic.task.type': 'testing' }, async () => 'inner', { tracer });
        },
        { tracer },
      );

      const [inner, outer] = finished();
      expect(inner?.name).toBe('task testing');
      expect(outer?.name).toBe('task implementation');
      expect(inner?.spanContext().traceId).toBe(outer?.spanContext().traceId);
      expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
      expect(outer?.parentSpanContext).toBeUndefined();
    });

    it('names the span after options.name when given', () => {
      withTask(TASK, () => undefined, { tracer, name: 'fix login bug' });

      expect(only().name).toBe('fix login bug');
    });

    it('uses the global tracer of this package when no tracer is given', () => {
      trace.setGlobalTracerProvider(provider);
      try {
        withTask(TASK, () => undefined);
      } finally {
        trace.disable();
      }

      const scope = only().instrumentationScope;
      expect(scope.name).toBe('@mosaicstack/telemetry-exporter');
      expect(scope.version).toBe(VERSION);
    });

    it('reports task type unknown when the attributes lack one', () => {
      withTask({ 'gen_ai.request.model': 'gpt-4o' } as never, () => undefined, { tracer });

      const span = only();
      expect(span.attributes['mosaic.task.type']).toBe('unknown');
      expect(span.name).toBe('task unknown');
    });

    it('produces a valid event carrying every field set through taskAttributes', () => {
      withTask(
        taskAttributes({
          taskType: 'debugging',
          complexity: 'high',
          harness: 'claude_code',
          model: 'claude-sonnet-4-5',
          provider: 'anthropic',
          inputTokens: 1200,
          outputTokens: 300,
          estimatedInputTokens: 1000,
          estimatedOutputTokens: 250,
          estimatedCostUsdMicros: 9000,
          actualCostUsdMicros: 11_000,
          qualityPassed: true,
          qualityGatesRun: ['lint', 'test'],
          qualityGatesFailed: [],
          contextCompactions: 2,
          contextRotations: 1,
          contextUtilization: 0.5,
          retryCount: 1,
          language: 'typescript',
          repoSize: 'large',
        }),
        () => undefined,
        { tracer },
      );

      const event = toTaskEvent(spanRecordOf(only()), {
        instanceId: '3f1c2a4e-8b7d-4c6a-9e2f-1a2b3c4d5e6f',
        harness: 'unknown',
        onCorrection: (key) => {
          throw new Error(`corrected ${key}`);
        },
      });
      expect(validateTaskCompletionEvent(event)).toEqual([]);
      expect(event).toMatchObject({
        task_type: 'debugging',
        complexity: 'high',
        harness: 'claude_code',
        model: 'claude-sonnet-4-5',
        provider: 'anthropic',
        actual_input_tokens: 1200,
        actual_output_tokens: 300,
        estimated_input_tokens: 1000,
        estimated_output_tokens: 250,
        estimated_cost_usd_micros: 9000,
        actual_cost_usd_micros: 11_000,
        quality_gate_passed: true,
        quality_gates_run: ['lint', 'test'],
        quality_gates_failed: [],
        context_compactions: 2,
        context_rotations: 1,
        context_utilization_final: 0.5,
        retry_count: 1,
        language: 'typescript',
        repo_size_category: 'large',
        outcome: 'success',
      });
    });
  });

  describe('prefillEstimates', () => {
    let server: RecordingServer;
    let predictions: MosaicPredictions;

    beforeAll(async () => {
      vi.stubEnv('MOSAIC_TELEMETRY_ENABLED', '');
      vi.stubEnv('OTEL_SDK_DISABLED', '');
      server = await startRecordingServer();
      server.respondWith(answerPredictions((q) => predictionFor(q, 1500)));
      predictions = new MosaicPredictions({
        enabled: true,
        serverUrl: server.url,
        apiKey: 'c'.repeat(64),
        instanceId: '3f1c2a4e-8b7d-4c6a-9e2f-1a2b3c4d5e6f',
      });
      await predictions.refresh([
        {
          task_type: 'implementation',
          model: 'claude-sonnet-4-5',
          provider: 'anthropic',
          complexity: 'high',
        },
      ]);
    });

    afterAll(async () => {
      vi.unstubAllEnvs();
      await predictions.shutdown();
      await server.close();
    });

    const attributes = taskAttributes({
      taskType: 'implementation',
      complexity: 'high',
      model: 'claude-sonnet-4-5',
      provider: 'anthropic',
    });

    it('fills estimated tokens and cost from the cached medians', () => {
      withTask(attributes, () => undefined, { tracer, predictions, prefillEstimates: true });

      const span = only();
      expect(span.attributes['mosaic.tokens.estimated_input']).toBe(1500);
      expect(span.attributes['mosaic.tokens.estimated_output']).toBe(150);
      expect(span.attributes['mosaic.cost.estimated_usd_micros']).toBe(4500);
    });

    it('keeps the estimates the caller gave', () => {
      withTask({ ...attributes, 'mosaic.tokens.estimated_input': 7 }, () => undefined, {
        tracer,
        predictions,
        prefillEstimates: true,
      });

      const span = only();
      expect(span.attributes['mosaic.tokens.estimated_input']).toBe(7);
      expect(span.attributes['mosaic.tokens.estimated_output']).toBe(150);
    });

    it('sets no estimate when the cache has no prediction for the task', () => {
      withTask({ ...attributes, 'mosaic.task.complexity': 'low' }, () => undefined, {
        tracer,
        predictions,
        prefillEstimates: true,
      });

      expect(only().attributes['mosaic.tokens.estimated_input']).toBeUndefined();
    });

    it('sets no estimate without prefillEstimates: true', () => {
      withTask(attributes, () => undefined, { tracer, predictions });

      expect(only().attributes['mosaic.tokens.estimated_input']).toBeUndefined();
    });

    it('sets no estimate when the prediction has no data', () => {
      const none = { ...predictionFor(TASK as never), prediction: null };
      withTask(attributes, () => undefined, {
        tracer,
        predictions: readerOf(none),
        prefillEstimates: true,
      });

      expect(only().attributes['mosaic.tokens.estimated_input']).toBeUndefined();
    });

    it('asks with the defaults the exporter uses for missing dimensions', () => {
      const reader = readerOf(undefined);
      withTask(TASK, () => undefined, { tracer, predictions: reader, prefillEstimates: true });
      withTask(
        {
          'mosaic.task.type': ' Testing ',
          'mosaic.task.complexity': 'extreme',
          'gen_ai.response.model': ' gemini-2.5-pro ',
          'gen_ai.system': 'gcp.gemini',
        },
        () => undefined,
        { tracer, predictions: reader, prefillEstimates: true },
      );

      expect(reader.asked).toEqual([
        {
          task_type: 'implementation',
          model: 'unknown',
          provider: 'unknown',
          complexity: 'medium',
        },
        { task_type: 'testing', model: 'gemini-2.5-pro', provider: 'google', complexity: 'medium' },
      ]);
    });

    it('runs fn even when the reader throws', () => {
      const reader: PredictionsReader = {
        get() {
          throw new Error('broken reader');
        },
      };

      expect(
        withTask(TASK, () => 'ran', { tracer, predictions: reader, prefillEstimates: true }),
      ).toBe('ran');
    });
  });
});

describe('taskAttributes', () => {
  it('maps camelCase fields to their semantic-convention keys', () => {
    expect(
      taskAttributes({
        taskType: 'testing',
        outcome: 'partial',
        estimatedOutputTokens: 5,
        qualityGatesRun: ['build'],
      }),
    ).toEqual({
      'mosaic.task.type': 'testing',
      'mosaic.task.outcome': 'partial',
      'mosaic.tokens.estimated_output': 5,
      'mosaic.quality.gates_run': ['build'],
    });
  });

  it('leaves out fields that are undefined', () => {
    expect(taskAttributes({ taskType: 'planning', model: undefined })).toEqual({
      'mosaic.task.type': 'planning',
    });
  });

  it('copies gate lists so later changes to the input do not leak in', () => {
    const gates: Array<'lint' | 'test'> = ['lint'];
    const attributes = taskAttributes({ taskType: 'testing', qualityGatesRun: gates });
    gates.push('test');

    expect(attributes['mosaic.quality.gates_run']).toEqual(['lint']);
  });

  it('rejects values outside the enums at compile time', () => {
    // @ts-expect-error 'coding' is not a TaskType
    const attributes = taskAttributes({ taskType: 'coding' });
    // @ts-expect-error 'bedrock' is not a Provider
    taskAttributes({ taskType: 'testing', provider: 'bedrock' });

    expect(attributes['mosaic.task.type']).toBe('coding');
  });
});
