// otel/: what we use of OpenTelemetry: structural types, HrTime, diag logger, trace SDK loader.
import type { Attributes, Context, SpanContext, SpanStatus } from '@opentelemetry/api';
import type { HrTime } from './hr-time.js';

/**
 * Structural subsets of the OTel SDK's trace types, so this package depends on
 * `@opentelemetry/api` alone and fits both the 2.x and 3.x SDK.
 */

/** What we read of a finished span (a subset of the SDK's `ReadableSpan`). */
export interface ReadableSpanLike {
  readonly name: string;
  readonly kind?: number;
  spanContext(): SpanContext;
  readonly parentSpanContext?: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly instrumentationScope?: { readonly name: string };
  readonly resource?: { readonly attributes: Attributes };
  readonly ended?: boolean;
}

/** The result an exporter hands back (the SDK's `ExportResult`; code 0 success, 1 failed). */
export interface ExportResultLike {
  code: number;
  error?: Error;
}

/** The SDK's `SpanProcessor`, structurally. */
export interface SpanProcessorLike {
  onStart(span: ReadableSpanLike, parentContext: Context): void;
  onEnd(span: ReadableSpanLike): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The SDK's `SpanExporter`, structurally. */
export interface SpanExporterLike {
  export(spans: ReadableSpanLike[], resultCallback: (result: ExportResultLike) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/** `ExportResultCode` values, written here to avoid loading `@opentelemetry/core`. */
export const ExportResultCode = { SUCCESS: 0, FAILED: 1 } as const;

/** `SpanStatusCode.ERROR`. */
export const SPAN_STATUS_ERROR = 2;
