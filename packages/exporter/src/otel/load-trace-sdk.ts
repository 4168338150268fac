import type { SpanProcessorLike } from './otel-types.js';
import { requireOptional } from './require-optional.js';

type Constructor<T> = new (...args: unknown[]) => T;

/** The trace SDK line installed (2.x `@opentelemetry/sdk-trace-base` or 3.x `sdk-trace`). */
export interface TraceSdk {
  /** 2 or 3: the lines differ in how their constructors take options. */
  readonly major: 2 | 3;
  readonly BatchSpanProcessor: Constructor<SpanProcessorLike>;
  /** `BasicTracerProvider` in 2.x, renamed `TracerProvider` in 3.x. */
  readonly TracerProvider: Constructor<unknown>;
}

interface TraceModule {
  BatchSpanProcessor?: unknown;
  BasicTracerProvider?: unknown;
  TracerProvider?: unknown;
}

const hasBsp = (mod: TraceModule) => typeof mod.BatchSpanProcessor === 'function';

/**
 * Finds the trace SDK, the one place that detects its line: 2.x first, then 3.x, each from this
 * package and else from the app. Loaded lazily, so disabled telemetry loads none. Throws saying
 * which package to install when there is none.
 */
export function loadTraceSdk(): TraceSdk {
  const v2 = requireOptional<TraceModule>('@opentelemetry/sdk-trace-base', hasBsp);
  const mod = v2 ?? requireOptional<TraceModule>('@opentelemetry/sdk-trace', hasBsp);
  if (mod === undefined) {
    throw new Error(
      'no OpenTelemetry trace SDK found: install @opentelemetry/sdk-trace-base (2.x) or @opentelemetry/sdk-trace (3.x)',
    );
  }
  // 3.x has no BasicTracerProvider any more (whichever package name it came under).
  const major = mod.BasicTracerProvider === undefined ? 3 : 2;
  return {
    major,
    BatchSpanProcessor: mod.BatchSpanProcessor as Constructor<SpanProcessorLike>,
    TracerProvider: (mod.BasicTracerProvider ?? mod.TracerProvider) as Constructor<unknown>,
  };
}
