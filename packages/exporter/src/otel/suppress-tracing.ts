import { type Context, context, createContextKey } from '@opentelemetry/api';

// The same key as @opentelemetry/core's suppressTracing (a Symbol.for), built from the API alone.
const SUPPRESS_TRACING_KEY = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

/** Runs `fn` in a context where instrumentations (http, undici) create no spans. */
export function withTracingSuppressed<T>(fn: () => T): T {
  const suppressed: Context = context.active().setValue(SUPPRESS_TRACING_KEY, true);
  return context.with(suppressed, fn);
}
