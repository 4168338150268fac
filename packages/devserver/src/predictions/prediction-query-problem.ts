import {
  Complexity,
  MAX_MODEL_LENGTH,
  MIN_MODEL_LENGTH,
  Provider,
  TaskType,
} from '@mosaicstack/telemetry-semconv';

/** The wire values each enum dimension of a query may take. */
const ENUM_DIMENSIONS = [
  ['task_type', new Set<unknown>(Object.values(TaskType))],
  ['provider', new Set<unknown>(Object.values(Provider))],
  ['complexity', new Set<unknown>(Object.values(Complexity))],
] as const;

/**
 * Checks one prediction query like the event validator checks the same fields: the enums take
 * their wire values, `model` is a string of 1..100 characters. A message naming the first bad
 * field under `path` (e.g. `queries[2].model`), or undefined when the query is well formed.
 */
export function predictionQueryProblem(query: unknown, path: string): string | undefined {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) {
    return `${path}: must be an object`;
  }
  const q = query as Record<string, unknown>;
  for (const [field, allowed] of ENUM_DIMENSIONS) {
    if (!allowed.has(q[field])) {
      return `${path}.${field}: must be one of ${[...allowed].join(', ')}`;
    }
  }
  const model = q.model;
  if (
    typeof model !== 'string' ||
    model.length < MIN_MODEL_LENGTH ||
    model.length > MAX_MODEL_LENGTH
  ) {
    return `${path}.model: must be a string of ${MIN_MODEL_LENGTH} to ${MAX_MODEL_LENGTH} characters`;
  }
  return undefined;
}
