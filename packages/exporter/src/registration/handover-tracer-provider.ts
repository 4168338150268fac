import type {
  Context,
  Span,
  SpanOptions,
  Tracer,
  TracerOptions,
  TracerProvider,
} from '@opentelemetry/api';

/**
 * A tracer provider that serves our fallback SDK provider until the app registers its own, then
 * the app's. Its tracers look the current provider up on every span, so a tracer the app took
 * early (`trace.getTracer()` at module load, cached by the API's proxy tracer) follows the
 * hand-over instead of staying on the fallback for the life of the process.
 */
export class HandoverTracerProvider implements TracerProvider {
  private current: TracerProvider;
  private readonly tracers = new Map<string, HandoverTracer>();

  constructor(initial: TracerProvider) {
    this.current = initial;
  }

  /** The provider spans go to now. */
  get target(): TracerProvider {
    return this.current;
  }

  /** Sends every later span, from old and new tracers alike, to `provider`. */
  handOver(provider: TracerProvider): void {
    this.current = provider;
  }

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    const key = `${name}@${version ?? ''}:${options?.schemaUrl ?? ''}`;
    let tracer = this.tracers.get(key);
    if (tracer === undefined) {
      tracer = new HandoverTracer(this, name, version, options);
      this.tracers.set(key, tracer);
    }
    return tracer;
  }
}

class HandoverTracer implements Tracer {
  private from: TracerProvider | undefined;
  private tracer: Tracer | undefined;

  constructor(
    private readonly provider: HandoverTracerProvider,
    private readonly name: string,
    private readonly version: string | undefined,
    private readonly options: TracerOptions | undefined,
  ) {}

  startSpan(name: string, options?: SpanOptions, context?: Context): Span {
    return this.delegate().startSpan(name, options, context);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    context: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan(...args: unknown[]): unknown {
    const tracer = this.delegate();
    return (tracer.startActiveSpan as (...a: unknown[]) => unknown).apply(tracer, args);
  }

  private delegate(): Tracer {
    const target = this.provider.target;
    if (target !== this.from || this.tracer === undefined) {
      this.tracer = target.getTracer(this.name, this.version, this.options);
      this.from = target;
    }
    return this.tracer;
  }
}
