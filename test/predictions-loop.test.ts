import { type DevServer, startDevServer } from '@mosaicstack/telemetry-devserver';
import {
  createMosaicSpanProcessor,
  type MosaicDeliveryError,
  MosaicPredictions,
  taskAttributes,
  withTask,
} from '@mosaicstack/telemetry-exporter';
import { type PredictionQuery, validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const TASK = {
  taskType: 'implementation',
  complexity: 'high',
  model: 'claude-sonnet-4-5',
  provider: 'anthropic',
} as const;
const QUERY: PredictionQuery = {
  task_type: 'implementation',
  model: 'claude-sonnet-4-5',
  provider: 'anthropic',
  complexity: 'high',
};

describe('estimate-vs-actual loop (exporter + predictions + devserver)', () => {
  let server: DevServer | undefined;
  let provider: BasicTracerProvider | undefined;
  let predictions: MosaicPredictions | undefined;
  const contextManager = new AsyncLocalStorageContextManager();

  beforeEach(() => {
    vi.stubEnv('MOSAIC_TELEMETRY_ENABLED', '');
    vi.stubEnv('OTEL_SDK_DISABLED', '');
    context.setGlobalContextManager(contextManager.enable());
  });

  afterEach(async () => {
    await provider?.shutdown();
    await predictions?.shutdown();
    await server?.close();
    context.disable();
  });

  it('pre-fills estimates from the medians of stored tasks and reports each outcome', async () => {
    server = await startDevServer({ rateLimit: false });
    const errors: MosaicDeliveryError[] = [];
    const config = {
      enabled: true,
      serverUrl: server.url,
      apiKey: server.apiKey,
      instanceId: server.instanceId,
      harness: 'claude_code',
      submitIntervalMs: 60_000,
      onError: (e: MosaicDeliveryError) => errors.push(e),
    };
    provider = new BasicTracerProvider({ spanProcessors: [createMosaicSpanProcessor(config)] });
    const tracer = provider.getTracer('loop');

    // History: five finished tasks whose actual usage the predictions summarise.
    const history = [
      [1000, 100, 3000],
      [1800, 180, 5400],
      [1400, 140, 4200],
      [1200, 120, 3600],
      [1600, 160, 4800],
    ] as const;
    for (const [inputTokens, outputTokens, actualCostUsdMicros] of history) {
      withTask(
        taskAttributes({ ...TASK, inputTokens, outputTokens, actualCostUsdMicros }),
        () => undefined,
        { tracer },
      );
    }
    await provider.forceFlush();
    expect(server.countEvents()).toBe(5);

    predictions = new MosaicPredictions(config);
    await predictions.refresh([QUERY]);
    const cached = predictions.get(QUERY);
    expect(cached?.metadata).toMatchObject({
      sample_size: 5,
      fallback_level: 0,
      confidence: 'low',
    });
    expect(cached?.prediction?.input_tokens.median).toBe(1400);

    const run = (fn: () => Promise<void>) =>
      withTask(
        taskAttributes({ ...TASK, inputTokens: 1500, outputTokens: 150 }),
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 2));
          await fn();
        },
        { tracer, predictions, prefillEstimates: true },
      );
    await run(async () => {});
    await expect(
      run(async () => {
        throw new Error('tests failed');
      }),
    ).rejects.toThrow('tests failed');
    await run(async () => {});
    await provider.forceFlush();

    const stored = server.listEvents();
    expect(stored).toHaveLength(8);
    const recent = stored.slice(5);
    for (const event of stored) expect(validateTaskCompletionEvent(event)).toEqual([]);
    expect(recent.map((e) => e.outcome).sort()).toEqual(['failure', 'success', 'success']);
    for (const event of recent) {
      expect(event).toMatchObject({
        estimated_input_tokens: 1400,
        estimated_output_tokens: 140,
        estimated_cost_usd_micros: 4200,
        actual_input_tokens: 1500,
        actual_output_tokens: 150,
      });
    }
    for (const event of stored.slice(0, 5)) expect(event.estimated_input_tokens).toBe(0);
    expect(errors).toEqual([]);
  });
});
