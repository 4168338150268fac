import {
  ATTR_MOSAIC_COST_ESTIMATED_USD_MICROS,
  ATTR_MOSAIC_TOKENS_ESTIMATED_INPUT,
  ATTR_MOSAIC_TOKENS_ESTIMATED_OUTPUT,
  type PredictionQuery,
  type PredictionResponse,
} from '@mosaicstack/telemetry-semconv';
import type { Attributes } from '@opentelemetry/api';
import { readTaskDimensions } from '../conversion/span-to-event.js';

/** Anything that answers prediction queries from a cache, such as `MosaicPredictions`. */
export interface PredictionsReader {
  get(query: PredictionQuery): PredictionResponse | undefined;
}

const IGNORE_CORRECTIONS = { onCorrection: () => {} };

/**
 * The prediction query a task span's attributes describe, with the defaults the exporter applies
 * to the event (complexity `medium`, model and provider `unknown`, provider strings mapped).
 */
export function predictionQueryOf(attributes: Attributes): PredictionQuery {
  const dims = readTaskDimensions(attributes, IGNORE_CORRECTIONS);
  return {
    task_type: dims.task_type,
    model: dims.model ?? 'unknown',
    provider: dims.provider ?? 'unknown',
    complexity: dims.complexity,
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
