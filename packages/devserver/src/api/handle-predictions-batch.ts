import {
  MAX_QUERIES_PER_BATCH,
  type PredictionQuery,
  type PredictionResponse,
} from '@mosaicstack/telemetry-semconv';
import { computePrediction } from '../predictions/compute-prediction.js';
import { predictionQueryProblem } from '../predictions/prediction-query-problem.js';
import { readBatchItems } from './read-batch-items.js';
import { errorReply, type JsonReply } from './send-json.js';
import type { ServerContext } from './server-context.js';

/** One query's answer, from the cache when it holds a fresh one. */
export function answerPrediction(query: PredictionQuery, ctx: ServerContext): PredictionResponse {
  const cached = ctx.cache.get(query);
  if (cached) return cached;
  const computed = computePrediction(ctx.store, query);
  ctx.cache.set(query, computed);
  return computed;
}

/** `POST /v1/predictions/batch` after auth and parsing: one answer per query, in query order. */
export function handlePredictionsBatch(body: unknown, ctx: ServerContext): JsonReply {
  const queries = readBatchItems(body, 'queries', MAX_QUERIES_PER_BATCH);
  if (typeof queries === 'string') return errorReply(400, queries);
  for (const [index, query] of queries.entries()) {
    const problem = predictionQueryProblem(query, `queries[${index}]`);
    if (problem) return errorReply(400, problem);
  }
  const results = (queries as PredictionQuery[]).map((query) => answerPrediction(query, ctx));
  return { status: 200, body: { results } };
}
