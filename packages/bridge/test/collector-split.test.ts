import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { type DevServer, startDevServer } from '@mosaicstack/telemetry-devserver';
import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
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
import { type CapturedRequest, loadCapture } from './support/captures.js';
import { postOtlp } from './support/post-otlp.js';
import { recordAgentRuns } from './support/record-agent-runs.js';
import { routeOf, serviceOf, splitRequest } from './support/split-requests.js';
import { withToolDetails } from './support/tool-details.js';

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

/**
 * Captured sessions of every CLI the bridge reads, their tool records with tool details on: Claude
 * Code, Codex and Gemini CLI send traces and logs of one task, OpenCode traces only. (Metrics are
 * left out: no task here comes from them.)
 */
const FLEET: readonly CapturedRequest[] = [
  ...withToolDetails('claude', loadCapture('claude', 'run1')),
  ...withToolDetails('claude', loadCapture('claude', 'run2-protobuf')),
  ...loadCapture('claude', 'run4-errors'),
  ...withToolDetails('codex', loadCapture('codex', 'run1')),
  ...withToolDetails('codex', loadCapture('codex', 'run2-protobuf')),
  ...withToolDetails('gemini', loadCapture('gemini', 'run1')),
  ...loadCapture('opencode', 'run2-fastflush'),
].filter((r) => r.signal !== 'metrics');

/** The senders whose tasks also live in their logs (docs/collector.md: route them by service). */
const LOGGING_SERVICES = new Set(['claude-code', 'codex_exec', 'gemini-cli']);

type Split = (r: CapturedRequest) => Array<CapturedRequest | undefined>;

/** Every split of two bridges the docs name, a hostile one both ways round, and a fan-out. */
const SPLITS: ReadonlyArray<{
  name: string;
  /** Keeps every signal of a task on one bridge, so the stored event is the whole task. */
  whole: boolean;
  parts: Split;
}> = [
  {
    name: 'by service: every signal of one service.name to one bridge',
    whole: true,
    parts: (r) => splitRequest(r, 2, (entry) => routeOf(serviceOf(entry), 2)),
  },
  {
    name: 'the CLIs that log by service, every other trace by trace id (the recommended split)',
    whole: true,
    parts: (r) =>
      splitRequest(r, 2, (entry, traceId) => {
        const service = serviceOf(entry);
        return LOGGING_SERVICES.has(service) || traceId === undefined
          ? routeOf(service, 2)
          : routeOf(traceId, 2);
      }),
  },
  {
    name: 'every trace by trace id, every log to one bridge',
    whole: false,
    parts: (r) =>
      r.signal === 'logs'
        ? [undefined, r]
        : splitRequest(r, 2, (_, traceId) => routeOf(traceId ?? '', 2)),
  },
  {
    name: 'hostile: all traces to the bridge that closes first, all logs to the other',
    whole: false,
    parts: (r) => (r.signal === 'traces' ? [r, undefined] : [undefined, r]),
  },
  {
    name: 'hostile: all logs to the bridge that closes first, all traces to the other',
    whole: false,
    parts: (r) => (r.signal === 'logs' ? [r, undefined] : [undefined, r]),
  },
  { name: 'everything to both bridges', whole: true, parts: (r) => [r, r] },
];

describe('two bridges under each split of a fleet of captured CLI sessions', () => {
  /** Runs bridges in front of a fresh devserver, feeds each its part, closes them in order. */
  async function stored(n: number, parts: Split): Promise<Map<string, TaskCompletionEvent>> {
    const server = await startDevServer({ rateLimit: false });
    const telemetry = {
      serverUrl: server.url,
      apiKey: server.apiKey,
      instanceId: server.instanceId,
    };
    const mine: Bridge[] = [];
    try {
      for (let i = 0; i < n; i++) {
        mine.push(await startBridge({ port: 0, grpcPort: false, telemetry, taskIdleMs: 60_000 }));
      }
      for (const r of FLEET) {
        const split = parts(r);
        for (let i = 0; i < n; i++) {
          const part = split[i];
          if (part === undefined) continue;
          const answer = await postOtlp(mine[i]?.url as string, `/v1/${part.signal}`, part.body, {
            contentType: part.contentType,
          });
          expect(answer.status).toBe(200);
        }
      }
      for (const b of mine) await b.close();
      // Each run has its own devserver: compare events without its instance id.
      return new Map(server.listEvents().map((e) => [e.event_id, { ...e, instance_id: '' }]));
    } finally {
      for (const b of mine) await b.close();
      await server.close();
    }
  }

  it('stores each task once under every split, whole where the split keeps a task on one bridge', async () => {
    const whole = await stored(1, (r) => [r]);
    const tracesOnly = await stored(1, (r) => [r.signal === 'traces' ? r : undefined]);
    const logsOnly = await stored(1, (r) => [r.signal === 'logs' ? r : undefined]);
    // 3 Claude prompts, 2 Codex turns, 1 Gemini prompt, 1 OpenCode prompt.
    expect(whole.size).toBe(7);
    const withGates = [...whole.values()].filter((e) => e.quality_gates_run.length > 0);
    expect(withGates.length).toBe(5);
    for (const { name, whole: keepsTasksWhole, parts } of SPLITS) {
      const events = await stored(2, parts);
      expect([...events.keys()].sort(), name).toEqual([...whole.keys()].sort());
      for (const [id, event] of events) {
        if (keepsTasksWhole) {
          expect(event, `${name}: ${id}`).toEqual(whole.get(id));
        } else {
          // The server keeps the first report of an id: a whole one, or one signal's; a Gemini
          // prompt whose request spans (one trace each) went to both bridges, a part of its requests.
          const candidates = [whole.get(id), tracesOnly.get(id), logsOnly.get(id)];
          if (!candidates.some((c) => isDeepStrictEqual(c, event))) {
            expect(event.provider, `${name}: ${id}`).toBe('google');
            expect(event.actual_input_tokens).toBeLessThan(whole.get(id)?.actual_input_tokens ?? 0);
          }
        }
      }
    }
  });
});
