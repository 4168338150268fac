import {
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_MOSAIC_COST_ESTIMATED_USD_MICROS,
  ATTR_MOSAIC_TASK_COMPLEXITY,
  ATTR_MOSAIC_TASK_TYPE,
  ATTR_MOSAIC_TOKENS_ESTIMATED_INPUT,
  ATTR_MOSAIC_TOKENS_ESTIMATED_OUTPUT,
  Complexity,
  MAX_MODEL_LENGTH,
  type PredictionQuery,
  type PredictionResponse,
  TaskType,
} from '@mosaicstack/telemetry-semconv';
import type { Attributes } from '@opentelemetry/api';
import { toProvider } from './to-provider.js';

/** Anything that answers prediction queries from a cache, such as `MosaicPredictions`. */
export interface PredictionsReader {
  get(query: PredictionQuery): PredictionResponse | undefined;
}

const TASK_TYPES: ReadonlySet<unknown> = new Set(Object.values(TaskType));
const COMPLEXITIES: ReadonlySet<unknown> = new Set(Object.values(Complexity));

function word(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function member<T>(value: unknown, allowed: ReadonlySet<unknown>, fallback: T): T {
  const lower = word(value)?.toLowerCase();
  return (allowed.has(lower) ? lower : fallback) as T;
}

/**
 * The prediction query a task span's attributes describe, with the defaults the exporter applies
 * to the event (complexity `medium`, model and provider `unknown`, provider strings mapped).
 */
export function predictionQueryOf(attributes: Attributes): PredictionQuery {
  const model =
    word(attributes[ATTR_GEN_AI_REQUEST_MODEL]) ??
    word(attributes[ATTR_GEN_AI_RESPONSE_MODEL]) ??
    'unknown';
  const provider =
    word(attributes[ATTR_GEN_AI_PROVIDER_NAME]) ?? word(attributes[ATTR_GEN_AI_SYSTEM]);
  return {
    task_type: member(attributes[ATTR_MOSAIC_TASK_TYPE], TASK_TYPES, 'unknown'),
    model: model.slice(0, MAX_MODEL_LENGTH),
    provider: provider === undefined ? 'unknown' : toProvider(provider),
    complexity: member(attributes[ATTR_MOSAIC_TASK_COMPLEXITY], COMPLEXITIES, 'medium'),
  };
}

/**
 * Returns `attributes` with the estimates the caller left out (estimated input/output tokens and
 * cost) set to the cached prediction's medians, or `attributes` itself when there is nothing to add.
 */
export function prefillEstimates(
  attributes: Attributes,
  predictions: PredictionsReader,
): Attributes {
  const missingInput = attributes[ATTR_MOSAIC_TOKENS_ESTIMATED_INPUT] === undefined;
  const missingOutput = attributes[ATTR_MOSAIC_TOKENS_ESTIMATED_OUTPUT] === undefined;
  const missingCost = attributes[ATTR_MOSAIC_COST_ESTIMATED_USD_MICROS] === undefined;
  if (!missingInput && !missingOutput && !missingCost) return attributes;
  const prediction = predictions.get(predictionQueryOf(attributes))?.prediction;
  if (prediction === null || prediction === undefined) return attributes;
  const filled: Attributes = { ...attributes };
  if (missingInput) {
    filled[ATTR_MOSAIC_TOKENS_ESTIMATED_INPUT] = Math.round(prediction.input_tokens.median);
  }
  if (missingOutput) {
    filled[ATTR_MOSAIC_TOKENS_ESTIMATED_OUTPUT] = Math.round(prediction.output_tokens.median);
  }
  if (missingCost) {
    filled[ATTR_MOSAIC_COST_ESTIMATED_USD_MICROS] = Math.round(prediction.cost_usd_micros.median);
  }
  return filled;
}
