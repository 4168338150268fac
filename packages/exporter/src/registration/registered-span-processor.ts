import type { Context } from '@opentelemetry/api';
import type { ReadableSpanLike, SpanProcessorLike } from '../otel/otel-types.js';
import { MOSAIC_PROCESSOR_BRAND } from '../processor/mosaic-processor-brand.js';

/**
 * The processor `registerMosaicTelemetry` attaches: forwards to the Mosaic processor and notes
 * whether a span ended since the last flush, so the exit hooks flush only when there is
 * something new (a `beforeExit` flush that always flushed would keep the process alive forever).
 */
export class RegisteredSpanProcessor implements SpanProcessorLike {
  readonly [MOSAIC_PROCESSOR_BRAND] = true;
  private ended = false;

  constructor(private readonly inner: SpanProcessorLike) {}

  /** Whether a span ended since the last `forceFlush()`. */
  get hasUnflushedSpans(): boolean {
    return this.ended;
  }

  onStart(span: ReadableSpanLike, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpanLike): void {
    this.ended = true;
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    this.ended = false;
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    this.ended = false;
    return this.inner.shutdown();
  }
}
