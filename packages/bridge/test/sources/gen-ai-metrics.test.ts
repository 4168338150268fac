import { OTLPMetricExporter as GrpcExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMetricPoints } from '../../src/decode/decode-metric-points.js';
import { computeCostMicros } from '../../src/model/exporter-core.js';
import { METRIC_FILTER } from '../../src/sources/index.js';
import { type BridgeLoop, startBridgeLoop } from '../support/bridge-to-devserver.js';
import { loadCapture, loadGroundTruth } from '../support/captures.js';
import { genAiSender, GEN_AI_SENDER_MODEL as MODEL } from '../support/gen-ai-sender.js';
import { recordAgentRuns } from '../support/record-agent-runs.js';
import { until } from '../support/until.js';

const priced = (input: number, output: number) =>
  computeCostMicros(
    'openai',
    MODEL,
    {
      uncachedInputTokens: input,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: output,
      reasoningTokens: 0,
    },
    Date.now(),
  ) ?? Number.NaN;

describe('source: GenAI token usage metric', () => {
  let loop: BridgeLoop | undefined;
  afterEach(async () => {
    await loop?.close();
    loop = undefined;
  });

  const transports = [
    ['OTLP/HTTP JSON', 'cumulative'],
    ['OTLP/HTTP protobuf', 'delta'],
    ['OTLP/gRPC', 'cumulative'],
    ['OTLP/gRPC', 'delta'],
  ] as const;
  for (const [transport, temporality] of transports) {
    it(`gives one task per sender session with exact totals (${transport}, ${temporality})`, async () => {
      loop = await startBridgeLoop({ grpcPort: 0, taskIdleMs: 60_000 });
      const temporalityPreference =
        temporality === 'delta'
          ? AggregationTemporalityPreference.DELTA
          : AggregationTemporalityPreference.CUMULATIVE;
      const exporter =
        transport === 'OTLP/gRPC'
          ? new GrpcExporter({ url: loop.bridge.grpcUrl, temporalityPreference })
          : transport === 'OTLP/HTTP JSON'
            ? new JsonExporter({ url: `${loop.bridge.url}/v1/metrics`, temporalityPreference })
            : new ProtobufExporter({ url: `${loop.bridge.url}/v1/metrics`, temporalityPreference });
      const one = genAiSender(exporter, 'agent-1');
      const two = genAiSender(exporter, 'agent-2');
      one.call(1200, 80);
      one.call(3400, 25);
      two.call(500, 5);
      await one.flush();
      await two.flush();
      one.call(700, 40);
      await one.flush();
      // An export with nothing new: a cumulative stream repeats its totals, a delta one sends none.
      await one.flush();
      expect(loop.devserver.listEvents()).toHaveLength(0);
      await one.shutdown();
      await two.shutdown();
      expect(loop.bridge.stats.requestsRefused).toEqual({});
      const events = await loop.finish();
      expect(events).toHaveLength(2);
      const byInput = [...events].sort((a, b) => a.actual_input_tokens - b.actual_input_tokens);
      expect(byInput[0]).toMatchObject({ actual_input_tokens: 500, actual_output_tokens: 5 });
      expect(byInput[1]).toMatchObject({
        actual_input_tokens: 1200 + 3400 + 700,
        actual_output_tokens: 80 + 25 + 40,
        model: MODEL,
        provider: 'openai',
        harness: 'custom',
        task_type: 'implementation',
        outcome: 'success',
      });
      // Priced per export's delta: within a micro per priced delta of the totals' price.
      expect(
        Math.abs((byInput[1]?.actual_cost_usd_micros ?? 0) - priced(5300, 145)),
      ).toBeLessThanOrEqual(4);
      expect(priced(5300, 145)).toBeGreaterThan(0);
    });
  }

  it('counts a reset cumulative stream (a new start time) from zero again', async () => {
    loop = await startBridgeLoop({ grpcPort: false, taskIdleMs: 60_000 });
    const url = `${loop.bridge.url}/v1/metrics`;
    const first = genAiSender(new JsonExporter({ url }), 'agent-r');
    first.call(1000, 10);
    await first.flush();
    await first.shutdown();
    // The same sender restarted: the same stream, a new start time, a total above the last one.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = genAiSender(new JsonExporter({ url }), 'agent-r');
    again.call(1500, 20);
    await again.flush();
    await again.shutdown();
    const events = await loop.finish();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actual_input_tokens: 2500, actual_output_tokens: 30 });
  });

  it('closes a session idle for taskIdleMs without close(); its next usage is a new task', async () => {
    loop = await startBridgeLoop({ grpcPort: false, taskIdleMs: 300 });
    const sender = genAiSender(
      new JsonExporter({ url: `${loop.bridge.url}/v1/metrics` }),
      'agent-idle',
    );
    sender.call(900, 9);
    await sender.flush();
    const devserver = loop.devserver;
    await until(() => devserver.listEvents().length === 1);
    expect(devserver.listEvents()[0]).toMatchObject({
      actual_input_tokens: 900,
      actual_output_tokens: 9,
    });
    // The cumulative stream goes on: only what came after the first task counts in the second.
    sender.call(100, 1);
    await sender.flush();
    await sender.shutdown();
    const events = await loop.finish();
    expect(events).toHaveLength(2);
    expect(events.map((e) => [e.actual_input_tokens, e.actual_output_tokens]).sort()).toEqual([
      [100, 1],
      [900, 9],
    ]);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(2);
  });

  it('reports a session still open at close()', async () => {
    loop = await startBridgeLoop({ grpcPort: false, taskIdleMs: 60_000 });
    const sender = genAiSender(
      new JsonExporter({ url: `${loop.bridge.url}/v1/metrics` }),
      'agent-close',
    );
    sender.call(42, 4);
    await sender.flush();
    await sender.shutdown();
    expect(loop.bridge.stats.openTasks).toBe(1);
    expect(loop.devserver.listEvents()).toHaveLength(0);
    const events = await loop.finish();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actual_input_tokens: 42, actual_output_tokens: 4 });
  });

  it("counts Gemini CLI's session once when its logs and traces come with its GenAI metric", async () => {
    const capture = loadCapture('gemini', 'run1');
    const truth = loadGroundTruth('gemini', 'run1').flatMap((l) =>
      l.usageMetadata === undefined ? [] : [l.usageMetadata],
    );
    const input = truth.reduce((n, u) => n + (u.promptTokenCount ?? 0), 0);
    const candidates = truth.reduce((n, u) => n + (u.candidatesTokenCount ?? 0), 0);
    const thoughts = truth.reduce((n, u) => n + (u.thoughtsTokenCount ?? 0), 0);
    loop = await startBridgeLoop({ grpcPort: false, taskIdleMs: 60_000 });
    await loop.send(capture);
    const events = await loop.finish();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actual_input_tokens: input,
      actual_output_tokens: candidates + thoughts,
    });
    expect(loop.bridge.stats.dropped.coveredMetricTasks).toBe(1);
  });

  it("reports Gemini CLI's GenAI metric alone as one task, without thoughts (the metric has none)", async () => {
    const capture = loadCapture('gemini', 'run1').filter((r) => r.signal === 'metrics');
    // Its resource's process.command_args holds the prompt: decoding keeps none of it.
    const points = capture.flatMap((r) => decodeMetricPoints(r.json, METRIC_FILTER).records);
    expect(points.length).toBeGreaterThan(0);
    expect(JSON.stringify(capture)).toContain('Read hello.txt');
    expect(JSON.stringify(points)).not.toContain('hello.txt');
    for (const p of points) {
      expect(Object.keys(p.resourceAttributes)).toEqual(['service.name']);
      expect(p.senderSession).toBe('b65ef87c-e46f-458c-bdde-811ad11aa1f7');
    }
    const truth = loadGroundTruth('gemini', 'run1').flatMap((l) =>
      l.usageMetadata === undefined ? [] : [l.usageMetadata],
    );
    loop = await startBridgeLoop({ grpcPort: false, taskIdleMs: 60_000 });
    await loop.send(capture);
    const events = await loop.finish();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actual_input_tokens: truth.reduce((n, u) => n + (u.promptTokenCount ?? 0), 0),
      actual_output_tokens: truth.reduce((n, u) => n + (u.candidatesTokenCount ?? 0), 0),
      provider: 'google',
    });
  });

  it('counts an agent once when it sends invoke_agent spans and the GenAI metric from one resource', async () => {
    loop = await startBridgeLoop({ grpcPort: false, taskIdleMs: 60_000 });
    // No session.id or service.instance.id: the sender session is the resource itself.
    const tracing = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': 'support-agent',
        'mosaic.task.type': 'implementation',
      }),
      spanProcessors: [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: `${loop.bridge.url}/v1/traces` })),
      ],
    });
    recordAgentRuns(tracing.getTracer('agent'), 1);
    await tracing.forceFlush();
    await tracing.shutdown();
    const metrics = genAiSender(
      new ProtobufExporter({ url: `${loop.bridge.url}/v1/metrics` }),
      undefined,
    );
    metrics.call(200, 20);
    await metrics.flush();
    await metrics.shutdown();
    const events = await loop.finish();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actual_input_tokens: 200, actual_output_tokens: 20 });
    expect(loop.bridge.stats.dropped.coveredMetricTasks).toBe(1);
  });
});
