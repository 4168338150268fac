import { MAX_MODEL_LENGTH, MIN_MODEL_LENGTH } from '@mosaicstack/telemetry-semconv';
import { COMPLEXITIES, PROVIDERS, TASK_TYPES } from '../conversion/wire-values.js';

/**
 * Says what is wrong with a prediction query (each dimension must be a wire value, the model a
 * string of 1..100 characters), or returns undefined when it can be sent.
 */
export function checkPredictionQuery(query: unknown): string | undefined {
  if (typeof query !== 'object' || query === null) return 'expected an object';
  const { task_type, model, provider, complexity } = query as Record<string, unknown>;
  if (!TASK_TYPES.has(task_type))
    return `task_type: ${JSON.stringify(task_type)} is not a TaskType`;
  if (!PROVIDERS.has(provider)) return `provider: ${JSON.stringify(provider)} is not a Provider`;
  if (!COMPLEXITIES.has(complexity)) {
    return `complexity: ${JSON.stringify(complexity)} is not a Complexity`;
  }
  if (
    typeof model !== 'string' ||
    model.length < MIN_MODEL_LENGTH ||
    model.length > MAX_MODEL_LENGTH ||
    model.trim() !== model
  ) {
    return `model: expected a trimmed string of ${MIN_MODEL_LENGTH} to ${MAX_MODEL_LENGTH} characters, got ${JSON.stringify(model)}`;
  }
  return undefined;
}
