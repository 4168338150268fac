export { TASK_SPAN_ATTRIBUTE_ALLOWLIST } from '@mosaicstack/telemetry-semconv';
export { resolveConfig, validateConfig } from './config/resolve-config.js';
export { MosaicSpanExporter } from './exporter/mosaic-span-exporter.js';
export type {
  ExportResultLike,
  ReadableSpanLike,
  SpanExporterLike,
  SpanProcessorLike,
} from './otel/otel-types.js';
export { MosaicPredictions } from './predictions/mosaic-predictions.js';
export type { MosaicPredictionsOptions } from './predictions/resolve-predictions-options.js';
export { createMosaicSpanProcessor } from './processor/create-mosaic-span-processor.js';
export type { MosaicSpanProcessorOptions } from './processor/mosaic-span-processor.js';
export { MosaicSpanProcessor } from './processor/mosaic-span-processor.js';
export type { MosaicRegistration, MosaicWiring } from './registration/register-mosaic-telemetry.js';
export { registerMosaicTelemetry } from './registration/register-mosaic-telemetry.js';
export type { PredictionsReader } from './task/prefill-estimates.js';
export type { TaskAttributeFields, TaskSpanAttributes } from './task/task-attributes.js';
export { taskAttributes } from './task/task-attributes.js';
export type { WithTaskOptions } from './task/with-task.js';
export { withTask } from './task/with-task.js';
export type {
  ExportMode,
  MosaicDeliveryError,
  MosaicDeliveryErrorKind,
  MosaicTelemetryConfig,
  ResolvedMosaicConfig,
} from './types.js';
export { VERSION } from './version.js';
