import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { type Attributes, DiagLogLevel, metrics, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { type DataPoint, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureDiag } from '../../../../test/support/captured-diag.js';
import {
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { reportConfig } from '../../src/config/report-config.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { createPipeline } from '../../src/processor/create-mosaic-span-processor.js';
import { createExporterParts, type ExporterParts } from '../../src/processor/exporter-parts.js';
import type { MosaicTelemetryConfig } from '../../src/types.js';

// A task span without mosaic.cost.actual_usd_micros gets the cost of its folded model calls, each
// priced at its own time from its breakdown. Spans from a real tracer provider, events over HTTP
// to a loopback server. A price of $P per million tokens is P micros per token; the prices below
// are those of the bundled @pydantic/genai-prices data.

/** A reader the test collects from on demand. */
class CollectingReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

/** A real provider with the Mosaic pipeline, delivering to a loopback server. */
interface Run {
  readonly parts: ExporterParts;
  readonly provider: BasicTracerProvider;
  readonly server: RecordingServer;
  events(): Promise<TaskCompletionEvent[]>;
}

const runs: Run[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) {
    await run.provider.shutdown();
    await run.server.close();
  }
});

async function start(config: MosaicTelemetryConfig = {}): Promise<Run> {
  const server = await startRecordingServer();
  const resolved = resolveConfig({
    enabled: true,
    serverUrl: server.url,
    apiKey: 'a'.repeat(64),
    instanceId: '3f1c2a4e-8b7d-4c6a-9e2f-1a2b3c4d5e6f',
    submitIntervalMs: 60_000,
    ...config,
  });
  expect(reportConfig(resolved)).toBe(true);
  const parts = createExporterParts(resolved);
  const provider = new BasicTracerProvider({
    spanProcessors: [createPipeline(resolved, parts) as unknown as SpanProcessor],
  });
  const run: Run = {
    parts,
    provider,
    server,
    async events() {
      await provider.forceFlush();
      return server.requests.flatMap(
        (r) => (JSON.parse(r.body) as { events: TaskCompletionEvent[] }).events,
      );
    },
  };
  runs.push(run);
  return run;
}

/** A task span at `at` (epoch ms) with OTel GenAI chat calls beneath it, each 1 s long. */
function task(
  run: Run,
  taskType: string,
  at: number,
  calls: readonly Attributes[],
  taskAttributes: Attributes = {},
): void {
  const tracer = run.provider.getTracer('app');
  const span = tracer.startSpan(
    'task',
    { attributes: { 'mosaic.task.type': taskType, ...taskAttributes }, startTime: at },
    ROOT_CONTEXT,
  );
  const ctx = trace.setSpan(ROOT_CONTEXT, span);
  calls.forEach((attributes, i) => {
    const call = tracer.startSpan(
      'chat',
      { attributes: { 'gen_ai.operation.name': 'chat', ...attributes }, startTime: at + i * 1000 },
      ctx,
    );
    call.end(at + i * 1000 + 1000);
  });
  span.end(at + calls.length * 1000 + 1000);
}

const chat = (
  provider: string,
  model: string,
  input: number,
  output: number,
  more: Attributes = {},
): Attributes => ({
  'gen_ai.provider.name': provider,
  'gen_ai.request.model': model,
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
  ...more,
});

const eventOf = (events: readonly TaskCompletionEvent[], taskType: string) =>
  events.find((e) => e.task_type === taskType);

describe('computed cost', () => {
  describe('a task span without mosaic.cost.actual_usd_micros', () => {
    it('gets the cost of its calls at the prices in force at each request time', async () => {
      const run = await start();
      // o3 until 2025-06-10: input 10, cache read 0.5, output 40 ($/MTok); from then: 2, 0.5, 8.
      // Each call: 10,000 input of which 4,000 cached, 1,000 output of which 800 reasoning.
      const call = chat('openai', 'o3', 10_000, 1_000, {
        'gen_ai.usage.cache_read.input_tokens': 4_000,
        'gen_ai.usage.reasoning.output_tokens': 800,
      });
      task(run, 'implementation', Date.UTC(2025, 4, 1), [call]);
      task(run, 'testing', Date.UTC(2025, 6, 1), [call]);
      const events = await run.events();
      expect(eventOf(events, 'implementation')).toMatchObject({
        actual_input_tokens: 10_000,
        actual_output_tokens: 1_000,
        actual_cost_usd_micros: 6_000 * 10 + 4_000 * 0.5 + 1_000 * 40, // 102,000
      });
      expect(eventOf(events, 'testing')?.actual_cost_usd_micros).toBe(
        6_000 * 2 + 4_000 * 0.5 + 1_000 * 8, // 22,000
      );
    });

    it('prices each call at its own model', async () => {
      const run = await start();
      // gpt-4o-mini: input 0.15, cache read 0.075, output 0.6;
      // claude-haiku-4-5: input 1, cache write 1.25, cache read 0.1, output 5.
      task(run, 'implementation', Date.UTC(2026, 9, 1), [
        chat('openai', 'gpt-4o-mini', 2_000, 100, {
          'gen_ai.usage.cache_read.input_tokens': 1_000,
        }),
        chat('anthropic', 'claude-haiku-4-5', 30_000, 500, {
          'gen_ai.usage.cache_read.input_tokens': 20_000,
          'gen_ai.usage.cache_creation.input_tokens': 4_000,
        }),
      ]);
      const [event] = await run.events();
      expect(event?.actual_cost_usd_micros).toBe(
        1_000 * 0.15 +
          1_000 * 0.075 +
          100 * 0.6 + // 285
          6_000 * 1 +
          4_000 * 1.25 +
          20_000 * 0.1 +
          500 * 5, // 15,500
      );
      expect(run.parts.exporter.tasksUncosted).toBe(0);
    });

    it('counts a model without a price as 0, the task as uncosted, and names the model once at debug', async () => {
      const reader = new CollectingReader();
      const meterProvider = new MeterProvider({ readers: [reader] });
      metrics.setGlobalMeterProvider(meterProvider);
      const { lines, stop } = captureDiag(DiagLogLevel.DEBUG);
      try {
        const run = await start();
        const at = Date.UTC(2026, 9, 1);
        // gpt-4o-mini: input 0.15, output 0.6; acme-coder-9 has no price.
        task(run, 'implementation', at, [
          chat('openai', 'gpt-4o-mini', 2_000, 100),
          chat('custom', 'acme-coder-9', 5_000, 300),
        ]);
        task(run, 'testing', at, [chat('custom', 'acme-coder-9', 1_000, 10)]);
        const events = await run.events();
        expect(eventOf(events, 'implementation')?.actual_cost_usd_micros).toBe(
          2_000 * 0.15 + 100 * 0.6, // 360
        );
        expect(eventOf(events, 'testing')).toMatchObject({
          actual_cost_usd_micros: 0,
          actual_input_tokens: 1_000,
          model: 'acme-coder-9',
        });
        expect(run.parts.exporter.tasksUncosted).toBe(2);
        const { resourceMetrics } = await reader.collect();
        const points = resourceMetrics.scopeMetrics
          .flatMap((s) => s.metrics)
          .filter((m) => m.descriptor.name === 'mosaic.telemetry.events')
          .flatMap((m) => m.dataPoints as DataPoint<number>[]);
        expect(points.find((p) => p.attributes.result === 'uncosted')?.value).toBe(2);
        expect(lines.filter((l) => l.includes('acme-coder-9'))).toEqual([
          expect.stringMatching(/^debug .*no price known for model custom\/acme-coder-9/),
        ]);
      } finally {
        stop();
        metrics.disable();
        await meterProvider.shutdown();
      }
    });

    it('keeps the cost the span carries: the source cost wins', async () => {
      const run = await start();
      task(
        run,
        'implementation',
        Date.UTC(2026, 9, 1),
        [chat('openai', 'gpt-4o-mini', 2_000, 100)],
        {
          'mosaic.cost.actual_usd_micros': 777,
        },
      );
      const [event] = await run.events();
      expect(event?.actual_cost_usd_micros).toBe(777);
    });

    it('costs 0 for a task without model calls', async () => {
      const run = await start();
      task(run, 'implementation', Date.UTC(2026, 9, 1), []);
      const [event] = await run.events();
      expect(event?.actual_cost_usd_micros).toBe(0);
      expect(run.parts.exporter.tasksUncosted).toBe(0);
    });
  });

  describe("a task's calls one by one", () => {
    /** A task of `n` gpt-4o-mini calls of 1,000 input and 10 output tokens; returns its span. */
    function manyCalls(run: Run, n: number): object {
      const at = Date.UTC(2026, 9, 1);
      const tracer = run.provider.getTracer('app');
      const span = tracer.startSpan(
        'task',
        { attributes: { 'mosaic.task.type': 'implementation' }, startTime: at },
        ROOT_CONTEXT,
      );
      const ctx = trace.setSpan(ROOT_CONTEXT, span);
      for (let i = 0; i < n; i++) {
        tracer
          .startSpan(
            'chat',
            {
              attributes: {
                'gen_ai.operation.name': 'chat',
                ...chat('openai', 'gpt-4o-mini', 1_000, 10),
              },
              startTime: at + i,
            },
            ctx,
          )
          .end(at + i + 1);
      }
      span.end(at + n + 1);
      return span;
    }

    it('are kept until the task is exported, then given back to the pool; the totals stay', async () => {
      const run = await start();
      // 40 calls: two chunks of 32 calls' numbers.
      const span = manyCalls(run, 40);
      const stored = run.parts.exporter.usageStore.get(span);
      expect(stored?.requests?.()).toHaveLength(40);
      expect(run.parts.usage.borrowedChunks).toBe(2);
      const [event] = await run.events();
      // gpt-4o-mini: input 0.15, output 0.6 ($/MTok).
      expect(event).toMatchObject({
        actual_input_tokens: 40_000,
        actual_output_tokens: 400,
        actual_cost_usd_micros: 40 * (1_000 * 0.15 + 10 * 0.6),
      });
      expect(run.parts.usage.borrowedChunks).toBe(0);
      expect(stored).toMatchObject({ inputTokens: 40_000, outputTokens: 400, calls: 40 });
      expect(stored?.requests?.()).toEqual([]);
      // The next task borrows them again.
      manyCalls(run, 1);
      expect(run.parts.usage.borrowedChunks).toBe(1);
    });

    it('price a span exported again as it was priced the first time', async () => {
      const run = await start();
      const span = manyCalls(run, 3) as ReadableSpan;
      const [first] = await run.events();
      const again = await new Promise((resolve) => run.parts.exporter.export([span], resolve));
      expect(again).toEqual({ code: 0 });
      await run.provider.forceFlush();
      const events = run.server.requests.flatMap(
        (r) => (JSON.parse(r.body) as { events: TaskCompletionEvent[] }).events,
      );
      expect(events).toHaveLength(2);
      expect(first?.actual_cost_usd_micros).toBe(3 * (1_000 * 0.15 + 10 * 0.6));
      expect(events[1]).toEqual(first);
    });

    it('are given back when the cost is not computed too', async () => {
      const run = await start({ computeCost: false });
      manyCalls(run, 33);
      const [event] = await run.events();
      expect(event).toMatchObject({ actual_input_tokens: 33_000, actual_cost_usd_micros: 0 });
      expect(run.parts.usage.borrowedChunks).toBe(0);
    });
  });

  describe('switched off', () => {
    const at = Date.UTC(2026, 9, 1);

    it('reports 0 when computeCost is false', async () => {
      const run = await start({ computeCost: false });
      task(run, 'implementation', at, [chat('openai', 'gpt-4o-mini', 2_000, 100)]);
      const [event] = await run.events();
      expect(event).toMatchObject({ actual_input_tokens: 2_000, actual_cost_usd_micros: 0 });
    });

    it('reports 0 when MOSAIC_TELEMETRY_COMPUTE_COST=0', async () => {
      vi.stubEnv('MOSAIC_TELEMETRY_COMPUTE_COST', '0');
      const run = await start();
      task(run, 'implementation', at, [chat('openai', 'gpt-4o-mini', 2_000, 100)]);
      const [event] = await run.events();
      expect(event).toMatchObject({ actual_input_tokens: 2_000, actual_cost_usd_micros: 0 });
    });

    it('lets the option win over the env flag', async () => {
      vi.stubEnv('MOSAIC_TELEMETRY_COMPUTE_COST', '0');
      const run = await start({ computeCost: true });
      task(run, 'implementation', at, [chat('openai', 'gpt-4o-mini', 2_000, 100)]);
      const [event] = await run.events();
      expect(event?.actual_cost_usd_micros).toBe(2_000 * 0.15 + 100 * 0.6);
    });
  });
});
