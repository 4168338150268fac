import {
  MAX_QUERIES_PER_BATCH,
  type PredictionQuery,
  type PredictionResponse,
} from '@mosaicstack/telemetry-semconv';
import { computePrediction } from './compute-prediction.js';
import { readBatchItems } from './read-batch-items.js';
import { errorReply, type JsonReply } from './send-json.js';
import type { ServerContext } from './server-context.js';

const DIMENSIONS = ['task_type', 'model', 'provider', 'complexity'] as const;

/** A message naming the first malformed query field, or undefined when all are well formed. */
function queryProblem(queries: readonly unknown[]): string | undefined {
  for (const [index, query] of queries.entries()) {
    if (typeof query !== 'object' || query === null || Array.isArray(query)) {
      return `queries[${index}]: must be an object`;
    }
    for (const dimension of DIMENSIONS) {
      const value = (query as Record<string, unknown>)[dimension];
      if (typeof value !== 'string' || value.length === 0) {
        return `queries[${index}].${dimension}: must be a non-empty string`;
      }
    }
  }
  return undefined;
}

/** `POST /v1/predictions/batch` after auth and parsing: one answer per query, in query order. */
export function handlePredictionsBatch(body: unknown, ctx: ServerContext): JsonReply {
  const queries = readBatchItems(body, 'queries', MAX_QUERIES_PER_BATCH);
  if (typeof queries === 'string') return errorReply(400, queries);
  const problem = queryProblem(queries);
  if (problem) return errorReply(400, problem);

  const results = (queries as PredictionQuery[]).map((query): PredictionResponse => {
    const cached = ctx.cache.get(query);
    if (cached) return cached;
    const computed = computePrediction(ctx.store, query);
    ctx.cache.set(query, computed);
    return computed;
  });
  return { status: 200, body: { results } };
}
