// conversion/: a span record to a schema-1.0 event; pure, no I/O.
import {
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_MOSAIC_CONTEXT_COMPACTIONS,
  ATTR_MOSAIC_CONTEXT_ROTATIONS,
  ATTR_MOSAIC_CONTEXT_UTILIZATION,
  ATTR_MOSAIC_COST_ACTUAL_USD_MICROS,
  ATTR_MOSAIC_COST_ESTIMATED_USD_MICROS,
  ATTR_MOSAIC_HARNESS,
  ATTR_MOSAIC_QUALITY_GATES_FAILED,
  ATTR_MOSAIC_QUALITY_GATES_RUN,
  ATTR_MOSAIC_QUALITY_PASSED,
  ATTR_MOSAIC_TASK_COMPLEXITY,
  ATTR_MOSAIC_TASK_LANGUAGE,
  ATTR_MOSAIC_TASK_OUTCOME,
  ATTR_MOSAIC_TASK_REPO_SIZE,
  ATTR_MOSAIC_TASK_RETRY_COUNT,
  ATTR_MOSAIC_TASK_TYPE,
  ATTR_MOSAIC_TOKENS_ESTIMATED_INPUT,
  ATTR_MOSAIC_TOKENS_ESTIMATED_OUTPUT,
  type Complexity,
  type Harness,
  MAX_CONTEXT_COMPACTIONS,
  MAX_CONTEXT_ROTATIONS,
  MAX_COST_USD_MICROS,
  MAX_LANGUAGE_LENGTH,
  MAX_MODEL_LENGTH,
  MAX_RETRY_COUNT,
  MAX_TASK_DURATION_MS,
  MAX_TOKENS,
  type Outcome,
  type Provider,
  type QualityGate,
  type RepoSizeCategory,
  SCHEMA_VERSION,
  type TaskCompletionEvent,
  type TaskType,
} from '@mosaicstack/telemetry-semconv';
import type { Attributes } from '@opentelemetry/api';
import { SPAN_STATUS_ERROR } from '../otel/otel-types.js';
import { eventIdFor } from './event-id.js';
import { isoTimestamp } from './iso-timestamp.js';
import { providerFromModel } from './provider-from-model.js';
import type { SpanRecord } from './span-record.js';
import type { TaskUsage } from './task-usage.js';
import { toProvider } from './to-provider.js';
import { COMPLEXITIES, HARNESSES, OUTCOMES, REPO_SIZES, TASK_TYPES } from './wire-values.js';

/** What a conversion needs besides the span record. */
export interface ConversionContext {
  readonly instanceId: string;
  /** Harness from config, used when the span has none. */
  readonly harness: Harness;
  /** Usage folded from the task's model calls, if any. */
  readonly usage?: TaskUsage | undefined;
  /** Called once for each attribute whose value had to be corrected or defaulted. */
  readonly onCorrection: (key: string) => void;
}

type Attrs = Attributes;
/** The part of a conversion context the attribute readers need. */
type Corrections = Pick<ConversionContext, 'onCorrection'>;

/** The prediction dimensions a task span's own attributes give, defaults applied where they are fixed. */
export interface TaskDimensions {
  task_type: TaskType;
  complexity: Complexity;
  /** Undefined when the span names none (then folded usage, else `unknown`). */
  model: string | undefined;
  /**
   * Undefined when neither a provider attribute nor the model's name gives one (then folded usage,
   * else `unknown`).
   */
  provider: Provider | undefined;
}

/**
 * Reads task type, complexity, model and provider as the event gets them: the one place that
 * decides which attributes name them and how bad values are corrected. Used for events and for
 * the prediction query of a task (`predictionQueryOf`).
 */
export function readTaskDimensions(attrs: Attrs, ctx: Corrections): TaskDimensions {
  const dims: TaskDimensions = {
    task_type: (readEnum(attrs, ATTR_MOSAIC_TASK_TYPE, TASK_TYPES, ctx) ?? 'unknown') as TaskType,
    complexity: (readEnum(attrs, ATTR_MOSAIC_TASK_COMPLEXITY, COMPLEXITIES, ctx) ??
      'medium') as Complexity,
    model:
      readString(attrs, ATTR_GEN_AI_REQUEST_MODEL, MAX_MODEL_LENGTH, ctx) ??
      readString(attrs, ATTR_GEN_AI_RESPONSE_MODEL, MAX_MODEL_LENGTH, ctx),
    provider: readProvider(attrs, ctx),
  };
  // A span that names its model but no provider: the provider that model name belongs to.
  dims.provider ??= providerFromModel(dims.model);
  return dims;
}

/** An integer in 0..max: truncated, clamped above; NaN, negative or wrong type -> undefined. */
function readInt(
  attrs: Attrs,
  key: string,
  max: number,
  ctx: ConversionContext,
): number | undefined {
  const value = attrs[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0)) {
    ctx.onCorrection(key);
    return undefined;
  }
  if (value > max) {
    ctx.onCorrection(key);
    return max;
  }
  const int = Math.trunc(value);
  if (int !== value) ctx.onCorrection(key);
  return int;
}

/** A lower-case member of `allowed`; any other string or type -> undefined (counted). */
function readEnum(
  attrs: Attrs,
  key: string,
  allowed: ReadonlySet<unknown>,
  ctx: Corrections,
): string | undefined {
  const value = attrs[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    if (allowed.has(value)) return value;
    const word = value.trim().toLowerCase();
    if (allowed.has(word)) {
      ctx.onCorrection(key);
      return word;
    }
  }
  ctx.onCorrection(key);
  return undefined;
}

/** A trimmed string cut to `max`; empty or wrong type -> undefined. */
function readString(attrs: Attrs, key: string, max: number, ctx: Corrections): string | undefined {
  const value = attrs[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    ctx.onCorrection(key);
    return undefined;
  }
  const trimmed = value.trim();
  if (trimmed === '') {
    ctx.onCorrection(key);
    return undefined;
  }
  if (trimmed.length > max) {
    ctx.onCorrection(key);
    return trimmed.slice(0, max);
  }
  if (trimmed.length !== value.length) ctx.onCorrection(key);
  return trimmed;
}

/** Bit of a quality gate by name, for de-duplication; 0 for anything else. */
function gateBit(name: string): number {
  switch (name) {
    case 'build':
      return 1;
    case 'lint':
      return 2;
    case 'test':
      return 4;
    case 'coverage':
      return 8;
    case 'typecheck':
      return 16;
    case 'security':
      return 32;
    default:
      return 0;
  }
}

function readGates(attrs: Attrs, key: string, ctx: ConversionContext): QualityGate[] {
  const value = attrs[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    ctx.onCorrection(key);
    return [];
  }
  const gates: QualityGate[] = [];
  let seen = 0;
  let corrected = false;
  for (const item of value) {
    // Well-formed gates (the usual case) skip the trim and lower-casing copies.
    let gate = typeof item === 'string' ? item : '';
    let bit = gateBit(gate);
    if (bit === 0 && gate !== '') {
      gate = gate.trim().toLowerCase();
      bit = gateBit(gate);
      corrected = true;
    }
    if (bit !== 0 && (seen & bit) === 0) {
      seen |= bit;
      gates.push(gate as QualityGate);
    } else corrected = true;
  }
  if (corrected) ctx.onCorrection(key);
  return gates;
}

function readProvider(attrs: Attrs, ctx: Corrections): Provider | undefined {
  return (
    providerFrom(attrs, ATTR_GEN_AI_PROVIDER_NAME, ctx) ??
    providerFrom(attrs, ATTR_GEN_AI_SYSTEM, ctx)
  );
}

function providerFrom(attrs: Attrs, key: string, ctx: Corrections): Provider | undefined {
  const value = attrs[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return toProvider(value);
  ctx.onCorrection(key);
  return undefined;
}

function readUtilization(attrs: Attrs, ctx: ConversionContext): number {
  const value = attrs[ATTR_MOSAIC_CONTEXT_UTILIZATION];
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0)) {
    ctx.onCorrection(ATTR_MOSAIC_CONTEXT_UTILIZATION);
    return 0;
  }
  if (value > 1) {
    ctx.onCorrection(ATTR_MOSAIC_CONTEXT_UTILIZATION);
    return 1;
  }
  return value;
}

/**
 * Whole milliseconds from `startMs` to `endMs`, never negative. Rounded to the microsecond first:
 * two epoch-millisecond doubles carry errors of a fraction of a microsecond, which would otherwise
 * turn an exact 1000 ms into 999.
 */
function durationMillis(startMs: number, endMs: number): number {
  const ms = Math.round((endMs - startMs) * 1000) / 1000;
  return ms > 0 ? Math.trunc(ms) : 0;
}

/**
 * Turns a finished task span's record into a schema-1.0 event: the one converter, whatever the
 * span came from. Reads only the allowlisted attributes (`TASK_SPAN_ATTRIBUTE_ALLOWLIST`), never
 * writes to the record, never throws on attribute values: every value is corrected or defaulted
 * so the event is always valid. The event id derives from the trace and span ids.
 */
export function toTaskEvent(record: SpanRecord, ctx: ConversionContext): TaskCompletionEvent {
  const attrs = record.attributes;
  const usage = ctx.usage;

  const rawDuration = durationMillis(record.startTimeMs, record.endTimeMs);
  if (rawDuration > MAX_TASK_DURATION_MS) ctx.onCorrection('task_duration_ms');
  const statusError = record.statusCode === SPAN_STATUS_ERROR;

  const dims = readTaskDimensions(attrs, ctx);

  return {
    instance_id: ctx.instanceId,
    event_id: eventIdFor(record.traceId, record.spanId),
    schema_version: SCHEMA_VERSION,
    timestamp: isoTimestamp(record.endTimeMs, ctx),
    task_duration_ms: Math.min(rawDuration, MAX_TASK_DURATION_MS),
    task_type: dims.task_type,
    complexity: dims.complexity,
    harness: readHarness(attrs, ctx),
    model: dims.model ?? usage?.model?.slice(0, MAX_MODEL_LENGTH) ?? 'unknown',
    provider: dims.provider ?? usage?.provider ?? 'unknown',
    estimated_input_tokens:
      readInt(attrs, ATTR_MOSAIC_TOKENS_ESTIMATED_INPUT, MAX_TOKENS, ctx) ?? 0,
    estimated_output_tokens:
      readInt(attrs, ATTR_MOSAIC_TOKENS_ESTIMATED_OUTPUT, MAX_TOKENS, ctx) ?? 0,
    actual_input_tokens:
      readInt(attrs, ATTR_GEN_AI_USAGE_INPUT_TOKENS, MAX_TOKENS, ctx) ??
      clampUsage(usage?.inputTokens, ctx),
    actual_output_tokens:
      readInt(attrs, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, MAX_TOKENS, ctx) ??
      clampUsage(usage?.outputTokens, ctx),
    estimated_cost_usd_micros:
      readInt(attrs, ATTR_MOSAIC_COST_ESTIMATED_USD_MICROS, MAX_COST_USD_MICROS, ctx) ?? 0,
    actual_cost_usd_micros:
      readInt(attrs, ATTR_MOSAIC_COST_ACTUAL_USD_MICROS, MAX_COST_USD_MICROS, ctx) ??
      clampCost(usage?.costMicros),
    quality_gate_passed: readBool(attrs, ATTR_MOSAIC_QUALITY_PASSED, ctx),
    quality_gates_run: readGates(attrs, ATTR_MOSAIC_QUALITY_GATES_RUN, ctx),
    quality_gates_failed: readGates(attrs, ATTR_MOSAIC_QUALITY_GATES_FAILED, ctx),
    context_compactions:
      readInt(attrs, ATTR_MOSAIC_CONTEXT_COMPACTIONS, MAX_CONTEXT_COMPACTIONS, ctx) ?? 0,
    context_rotations:
      readInt(attrs, ATTR_MOSAIC_CONTEXT_ROTATIONS, MAX_CONTEXT_ROTATIONS, ctx) ?? 0,
    context_utilization_final: readUtilization(attrs, ctx),
    outcome: (readEnum(attrs, ATTR_MOSAIC_TASK_OUTCOME, OUTCOMES, ctx) ??
      (statusError ? 'failure' : 'success')) as Outcome,
    retry_count: readInt(attrs, ATTR_MOSAIC_TASK_RETRY_COUNT, MAX_RETRY_COUNT, ctx) ?? 0,
    language: readString(attrs, ATTR_MOSAIC_TASK_LANGUAGE, MAX_LANGUAGE_LENGTH, ctx) ?? null,
    repo_size_category: (readEnum(attrs, ATTR_MOSAIC_TASK_REPO_SIZE, REPO_SIZES, ctx) ??
      null) as RepoSizeCategory | null,
  };
}

function readHarness(attrs: Attrs, ctx: ConversionContext): Harness {
  const value = attrs[ATTR_MOSAIC_HARNESS];
  if (value === undefined) return ctx.harness;
  if (typeof value === 'string') {
    if (HARNESSES.has(value)) return value as Harness;
    const word = value.trim().toLowerCase();
    if (HARNESSES.has(word)) {
      ctx.onCorrection(ATTR_MOSAIC_HARNESS);
      return word as Harness;
    }
    // A harness we do not know by name is still a harness: report it as custom.
    if (word !== '') {
      ctx.onCorrection(ATTR_MOSAIC_HARNESS);
      return 'custom';
    }
  }
  ctx.onCorrection(ATTR_MOSAIC_HARNESS);
  return ctx.harness;
}

function readBool(attrs: Attrs, key: string, ctx: ConversionContext): boolean {
  const value = attrs[key];
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  ctx.onCorrection(key);
  return false;
}

/** A computed cost as the schema takes it: whole micros in 0..MAX_COST_USD_MICROS, else 0. */
function clampCost(value: number | undefined): number {
  if (value === undefined || !(value >= 0)) return 0;
  return Math.min(Math.round(value), MAX_COST_USD_MICROS);
}

function clampUsage(value: number | undefined, ctx: ConversionContext): number {
  if (value === undefined || !(value >= 0)) return 0;
  if (value > MAX_TOKENS) {
    ctx.onCorrection('folded_usage');
    return MAX_TOKENS;
  }
  return Math.trunc(value);
}
