/**
 * `@mosaicstack/telemetry-exporter/core`: the conversion core on a neutral span record, for the
 * OTLP bridge and the devserver; not the main entry. One converter (`toTaskEvent`), one usage
 * reader (`readModelCall`) and one delivery (`createEventDelivery`) whatever the spans come from.
 */
export { resolveConfig, validateConfig } from './config/resolve-config.js';
export { providerFromModel } from './conversion/provider-from-model.js';
export type { SpanRecord } from './conversion/span-record.js';
export { spanRecordOf } from './conversion/span-record.js';
export type { ConversionContext } from './conversion/span-to-event.js';
export { toTaskEvent } from './conversion/span-to-event.js';
export type { TaskUsage, TrackedTaskUsage } from './conversion/task-usage.js';
// Derived fields: cost, quality gates and language from what an agent did (no network).
export { classifyCommand } from './derive/classify-command.js';
export { computeCostMicros } from './derive/compute-cost-micros.js';
export type { GateOutcome, GateRun } from './derive/gate-outcome.js';
export { gateOutcome } from './derive/gate-outcome.js';
export type { TouchedFile } from './derive/language-of-files.js';
export { languageOfFiles } from './derive/language-of-files.js';
export type { TaskPrice } from './derive/price-task-requests.js';
export { priceTaskRequests } from './derive/price-task-requests.js';
export type { GateRule } from './derive/quality-gate-rules.js';
export { GATE_RULES, SCRIPT_GATES } from './derive/quality-gate-rules.js';
export type { RequestUsage, UsageBreakdown } from './derive/usage-breakdown.js';
export type { EventDelivery, EventDeliveryOptions } from './exporter/event-delivery.js';
export { createEventDelivery } from './exporter/event-delivery.js';
export type { ReadableSpanLike } from './otel/otel-types.js';
export type {
  MosaicDeliveryError,
  MosaicDeliveryErrorKind,
  MosaicTelemetryConfig,
  ResolvedMosaicConfig,
} from './types.js';
export type { FoldableCall } from './usage/fold-model-calls.js';
export { foldModelCalls, foldModelRequests } from './usage/fold-model-calls.js';
export type { ModelCall, ModelCallKind, ModelCallSource } from './usage/llm-call-usage.js';
export { readModelCall } from './usage/llm-call-usage.js';
export { reduceProviderMetadata } from './usage/reduce-provider-metadata.js';
