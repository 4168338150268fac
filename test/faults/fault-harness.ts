import { createServer } from 'node:net';
import type { DevServer } from '@mosaicstack/telemetry-devserver';
import type {
  MosaicDeliveryError,
  MosaicTelemetryConfig,
  SpanProcessorLike,
} from '@mosaicstack/telemetry-exporter';
import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { expect } from 'vitest';
import { processorWithFastRetries } from '../../packages/exporter/test/support/fast-retries.js';

/** Credentials the fault tests give every devserver they start, so a restart keeps them. */
export const API_KEY = 'fa'.repeat(32);
export const INSTANCE_ID = '5d1c3b2a-9e8f-4a7b-8c6d-1e2f3a4b5c6d';

/** A loopback port that nothing listens on right now (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Fails the test on any uncaught exception or unhandled rejection while it runs: the host must
 * never see one from us, whatever the server does.
 */
export function watchProcess(): { readonly escaped: unknown[]; stop(): void } {
  const escaped: unknown[] = [];
  const onError = (error: unknown) => escaped.push(error);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return {
    escaped,
    stop() {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}

/** A host app: a real tracer provider with our processor, whose every call into us is guarded. */
export interface FaultHost {
  readonly provider: BasicTracerProvider;
  /** The processor under test, as `createMosaicSpanProcessor` returned it. */
  readonly processor: SpanProcessorLike;
  /** Every `onError` the exporter reported. */
  readonly errors: MosaicDeliveryError[];
  /** Whatever our code threw or rejected with into the host (must stay empty). */
  readonly thrown: unknown[];
  /** How many task spans the host ended so far. */
  readonly recorded: number;
  /** Starts and ends `n` task spans, each with a child span, without awaiting anything. */
  record(n: number): void;
  /** `provider.forceFlush()`, guarded. */
  flush(): Promise<void>;
  /** `provider.shutdown()`, guarded. */
  shutdown(): Promise<void>;
}

/** Fast retries and carry-over caps far above what one test records. */
const FAST: MosaicTelemetryConfig = {
  maxQueueSize: 20_000,
  batchSize: 100,
  maxRetries: 2,
  requestTimeoutMs: 2000,
};

/** Builds a host reporting to `url` (a devserver's, or a port with nothing behind it yet). */
export function startHost(url: string, options: MosaicTelemetryConfig = {}): FaultHost {
  const errors: MosaicDeliveryError[] = [];
  const thrown: unknown[] = [];
  const processor = processorWithFastRetries(
    {
      enabled: true,
      serverUrl: url,
      apiKey: API_KEY,
      instanceId: INSTANCE_ID,
      harness: 'claude_code',
      submitIntervalMs: 60_000,
      onError: (e) => errors.push(e),
      ...FAST,
      ...options,
    },
    10,
  );
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('faults');
  let recorded = 0;
  const guard = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (error) {
      thrown.push(error);
    }
  };
  return {
    provider,
    processor,
    errors,
    thrown,
    get recorded() {
      return recorded;
    },
    record(n) {
      for (let i = 0; i < n; i++) {
        try {
          const task = tracer.startSpan('task', {
            attributes: {
              'mosaic.task.type': 'implementation',
              'mosaic.task.complexity': 'high',
              'gen_ai.request.model': 'claude-sonnet-4-5',
              'gen_ai.provider.name': 'anthropic',
              'gen_ai.usage.input_tokens': 1000 + i,
              'gen_ai.usage.output_tokens': 100 + i,
              'gen_ai.prompt': 'do not send me',
            },
          });
          tracer.startSpan('step', {}, trace.setSpan(context.active(), task)).end();
          task.end();
          recorded++;
        } catch (error) {
          thrown.push(error);
        }
      }
    },
    flush: () => guard(() => provider.forceFlush()),
    shutdown: () => guard(() => provider.shutdown()),
  };
}

/**
 * The fault suite's verdict: every recorded task span stored exactly once, every stored event
 * valid, nothing thrown into the host and nothing escaped to the process.
 */
export function expectExactlyOnce(
  server: DevServer,
  host: FaultHost,
  watch: { readonly escaped: unknown[] },
  expected = host.recorded,
): void {
  const stored = server.listEvents();
  const ids = new Set(stored.map((e) => e.event_id));
  expect(ids.size, 'unique event ids stored').toBe(expected);
  expect(stored.length, 'rows stored (a duplicate would add one)').toBe(ids.size);
  const invalid = stored.flatMap((event) => validateTaskCompletionEvent(event));
  expect(invalid).toEqual([]);
  expect(JSON.stringify(stored)).not.toContain('do not send me');
  expect(host.thrown).toEqual([]);
  expect(watch.escaped).toEqual([]);
}
