import type { PredictionQuery, PredictionResponse } from '@mosaicstack/telemetry-semconv';
import type {
  RecordedRequest,
  RecordedResponse,
} from '../../../../test/support/recording-server.js';

/** The queries of a recorded `POST /v1/predictions/batch`. */
export function queriesOf(req: RecordedRequest): PredictionQuery[] {
  return (JSON.parse(req.body) as { queries: PredictionQuery[] }).queries;
}

/** A well-formed exact-match answer whose medians are `base` (input), `base / 10` (output) and `base * 3` (cost). */
export function predictionFor(query: PredictionQuery, base = 1000): PredictionResponse {
  const tokens = (median: number) => ({
    p10: Math.round(median / 2),
    p25: Math.round(median * 0.75),
    median,
    p75: Math.round(median * 1.25),
    p90: median * 2,
  });
  return {
    prediction: {
      input_tokens: tokens(base),
      output_tokens: tokens(base / 10),
      cost_usd_micros: { median: base * 3 },
      duration_ms: { median: 60_000 },
      correction_factors: { input: 1.1, output: 0.9 },
      quality: { gate_pass_rate: 0.8, success_rate: 0.9 },
    },
    metadata: {
      sample_size: 120,
      fallback_level: 0,
      confidence: 'high',
      last_updated: '2026-01-01T00:00:00.000Z',
      dimensions_matched: { ...query },
      fallback_note: null,
      cache_hit: false,
    },
  };
}

/** A handler answering each query with `answer(query, index)` (by default `predictionFor`), after `delayMs`. */
export function answerPredictions(
  answer: (query: PredictionQuery, index: number) => unknown = (q) => predictionFor(q),
  delayMs = 0,
): (req: RecordedRequest) => RecordedResponse {
  return (req) => ({
    status: 200,
    delayMs,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ results: queriesOf(req).map(answer) }),
  });
}
