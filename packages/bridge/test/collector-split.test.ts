import { createHash } from 'node:crypto';
import { type DevServer, startDevServer } from '@mosaicstack/telemetry-devserver';
import type { Context } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { startBridge } from '../src/start-bridge.js';
import type { Bridge } from '../src/types.js';
import { recordAgentRuns } from './support/record-agent-runs.js';

/**
 * What a Collector's `loadbalancing` exporter (routing_key: traceID) does in front of several
 * bridges: every span of a trace goes to the same backend, each backend gets protobuf with gzip,
 * from its `otlphttp` exporter (OTLP/HTTP) or its `otlp` exporter (OTLP/gRPC, the Collector's
 * default). Here the routing is a span processor and the senders are the OTel JS OTLP/protobuf
 * and OTLP/gRPC exporters with gzip compression: the same wires.
 */
const route = (traceId: string, n: number) =>
  createHash('sha256').update(traceId).digest().readUInt32BE(0) % n;

class TraceIdRouter implements SpanProcessor {
  readonly ended: ReadableSpan[] = [];
  constructor(private readonly backends: readonly BatchSpanProcessor[]) {}
  private pick(traceId: string): BatchSpanProcessor {
    return this.backends[route(traceId, this.backends.length)] as BatchSpanProcessor;
  }
  onStart(span: Span, ctx: Context): void {
    this.pick(span.spanContext().traceId).onStart(span, ctx);
  }
  onEnd(span: ReadableSpan): void {
    this.ended.push(span);
    this.pick(span.spanContext().traceId).onEnd(span);
  }
  async forceFlush(): Promise<void> {
    await Promise.all(this.backends.map((b) => b.forceFlush()));
  }
  async shutdown(): Promise<void> {
    await Promise.all(this.backends.map((b) => b.shutdown()));
  }
}

/** The Collector exporter each backend is fed by, as the OTel JS exporter of the same wire. */
const COLLECTOR_EXPORTERS: Record<'otlphttp' | 'otlp', (bridge: Bridge) => SpanExporter> = {
  otlphttp: (b) =>
    new OTLPTraceExporter({ url: `${b.url}/v1/traces`, compression: 'gzip' as never }),
  otlp: (b) => {
    // Without a listener the exporter would fall back to localhost:4317, someone else's port.
    if (b.grpcUrl === undefined) throw new Error('the bridge has no OTLP/gRPC listener');
    return new GrpcTraceExporter({ url: b.grpcUrl, compression: 'gzip' as never });
  },
};

describe('bridges behind a trace-id load balancer', () => {
  let devserver: DevServer | undefined;
  const bridges: Bridge[] = [];
  afterEach(async () => {
    for (const b of bridges.splice(0)) await b.close();
    await devserver?.close();
  });

  for (const [collectorExporter, exporterFor] of Object.entries(COLLECTOR_EXPORTERS)) {
    it(`gets each task exactly once from protobuf + gzip split by trace id, replays included (Collector exporter ${collectorExporter})`, async () => {
      devserver = await startDevServer({ rateLimit: false });
      const telemetry = {
        serverUrl: devserver.url,
        apiKey: devserver.apiKey,
        instanceId: devserver.instanceId,
      };
      for (let i = 0; i < 2; i++)
        bridges.push(await startBridge({ port: 0, telemetry, taskIdleMs: 60_000 }));
      const exporters = bridges.map(exporterFor);
      const backends = exporters.map(
        (e) => new BatchSpanProcessor(e, { scheduledDelayMillis: 50 }),
      );
      const router = new TraceIdRouter(backends);
      const provider = new BasicTracerProvider({ spanProcessors: [router] });
      const tracer = provider.getTracer('agent');
      const TASKS = 40;
      recordAgentRuns(tracer, TASKS);
      await provider.forceFlush();
      const received = bridges.map((b) => b.stats.received.spans);
      expect(received[0]).toBeGreaterThan(0);
      expect(received[1]).toBeGreaterThan(0);
      expect((received[0] ?? 0) + (received[1] ?? 0)).toBe(TASKS * 3);
      await provider.shutdown();
      for (const b of bridges) await b.close();

      // A Collector retry after a bridge restart: the same spans again, to fresh bridges.
      const again = [
        await startBridge({ port: 0, telemetry, taskIdleMs: 60_000 }),
        await startBridge({ port: 0, telemetry, taskIdleMs: 60_000 }),
      ];
      bridges.push(...again);
      await Promise.all(
        again.map((b, i) => {
          const exporter = exporterFor(b);
          const mine = router.ended.filter((s) => route(s.spanContext().traceId, 2) === i);
          return new Promise<void>((resolve) =>
            exporter.export(mine, (result) => {
              expect(result.code).toBe(0);
              resolve();
            }),
          ).finally(() => exporter.shutdown());
        }),
      );
      for (const b of again) await b.close();
      expect(again.reduce((n, b) => n + b.stats.tasksReported, 0)).toBe(TASKS);
      const events = devserver.listEvents();
      expect(events).toHaveLength(TASKS);
      expect(new Set(events.map((e) => e.event_id)).size).toBe(TASKS);
      const inputs = events.map((e) => e.actual_input_tokens).sort((a, b) => a - b);
      expect(inputs).toEqual(Array.from({ length: TASKS }, (_, i) => 2 * (100 + i)));
      expect(events.every((e) => e.provider === 'openai' && e.actual_output_tokens === 20)).toBe(
        true,
      );
    });
  }
});
