import type { Attributes, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** What to put on one span. */
export interface SpanSpec {
  name?: string;
  attributes?: Attributes;
  /** Start and end, in epoch ms. */
  startMs?: number;
  endMs?: number;
  status?: SpanStatusCode;
}

/** Creates and ends real SDK spans, returning them as the exporter will see them. */
export function finishedSpans(specs: SpanSpec[]): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('test');
  for (const spec of specs) {
    const span = tracer.startSpan(spec.name ?? 'task', {
      attributes: spec.attributes ?? {},
      ...(spec.startMs === undefined ? {} : { startTime: spec.startMs }),
    });
    if (spec.status !== undefined) span.setStatus({ code: spec.status });
    span.end(spec.endMs);
  }
  return memory.getFinishedSpans();
}

/** A valid config pointing at `url`, enabled. */
export function testConfig(url: string) {
  return {
    enabled: true,
    serverUrl: url,
    apiKey: 'ab'.repeat(32),
    instanceId: '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b',
    submitIntervalMs: 60_000,
  };
}
