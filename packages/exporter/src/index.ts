export { TASK_SPAN_ATTRIBUTE_ALLOWLIST } from '@mosaicstack/telemetry-semconv';
export { createMosaicSpanProcessor } from './create-mosaic-span-processor.js';
export { MosaicPredictions } from './mosaic-predictions.js';
export type { MosaicSpanExporterInternals } from './mosaic-span-exporter.js';
export { MosaicSpanExporter } from './mosaic-span-exporter.js';
export type { MosaicSpanProcessorOptions } from './mosaic-span-processor.js';
export { MosaicSpanProcessor } from './mosaic-span-processor.js';
export type {
  ExportResultLike,
  ReadableSpanLike,
  SpanExporterLike,
  SpanProcessorLike,
} from './otel-types.js';
export type { PredictionsReader } from './prefill-estimates.js';
export type { MosaicRegistration, MosaicWiring } from './register-mosaic-telemetry.js';
export { registerMosaicTelemetry } from './register-mosaic-telemetry.js';
export { resolveConfig, validateConfig } from './resolve-config.js';
export type { MosaicPredictionsOptions } from './resolve-predictions-options.js';
export type { TaskAttributeFields, TaskSpanAttributes } from './task-attributes.js';
export { taskAttributes } from './task-attributes.js';
export type {
  MosaicDeliveryError,
  MosaicDeliveryErrorKind,
  MosaicTelemetryConfig,
  ResolvedMosaicConfig,
} from './types.js';
export { VERSION } from './version.js';
export type { WithTaskOptions } from './with-task.js';
export { withTask } from './with-task.js';
