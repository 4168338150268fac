export { TASK_SPAN_ATTRIBUTE_ALLOWLIST } from '@mosaicstack/telemetry-semconv';
export { createMosaicSpanProcessor } from './create-mosaic-span-processor.js';
export type { MosaicSpanExporterInternals } from './mosaic-span-exporter.js';
export { MosaicSpanExporter } from './mosaic-span-exporter.js';
export { MosaicSpanProcessor } from './mosaic-span-processor.js';
export type {
  ExportResultLike,
  ReadableSpanLike,
  SpanExporterLike,
  SpanProcessorLike,
} from './otel-types.js';
export { resolveConfig, validateConfig } from './resolve-config.js';
export type {
  MosaicDeliveryError,
  MosaicDeliveryErrorKind,
  MosaicTelemetryConfig,
  ResolvedMosaicConfig,
} from './types.js';
export { VERSION } from './version.js';
