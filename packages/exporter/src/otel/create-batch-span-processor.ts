import { createRequire } from 'node:module';
import type { SpanExporterLike, SpanProcessorLike } from './otel-types.js';

/** The `BatchSpanProcessor` options we set (names shared by the 2.x and 3.x SDK). */
export interface BatchOptions {
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMillis: number;
  readonly exportTimeoutMillis: number;
}

type BspConstructor = new (...args: unknown[]) => SpanProcessorLike;
interface TraceModule {
  BatchSpanProcessor?: BspConstructor;
  BasicTracerProvider?: unknown;
}

/**
 * Builds the SDK's BatchSpanProcessor: the one place that loads an SDK module, lazily, so disabled
 * telemetry loads none. Finds the 2.x `@opentelemetry/sdk-trace-base` or the 3.x
 * `@opentelemetry/sdk-trace` (from this package, else from the app's working directory) and calls
 * the constructor the way that line wants it.
 */
export function createBatchSpanProcessor(
  exporter: SpanExporterLike,
  options: BatchOptions,
): SpanProcessorLike {
  const mod = loadTraceModule();
  const Bsp = mod.BatchSpanProcessor as BspConstructor;
  // 3.x takes one object ({ exporter, ...config }) and has no BasicTracerProvider any more.
  return mod.BasicTracerProvider === undefined
    ? new Bsp({ exporter, ...options })
    : new Bsp(exporter, options);
}

/** Loads the SDK's trace module, or throws saying which package to install. */
export function loadTraceModule(): TraceModule {
  const requirers = [createRequire(import.meta.url), createRequire(`${process.cwd()}/`)];
  for (const name of ['@opentelemetry/sdk-trace-base', '@opentelemetry/sdk-trace']) {
    for (const req of requirers) {
      try {
        const mod = req(name) as TraceModule;
        if (typeof mod.BatchSpanProcessor === 'function') return mod;
      } catch {
        // not installed where this requirer looks; try the next
      }
    }
  }
  throw new Error(
    'no OpenTelemetry trace SDK found: install @opentelemetry/sdk-trace-base (2.x) or @opentelemetry/sdk-trace (3.x)',
  );
}
