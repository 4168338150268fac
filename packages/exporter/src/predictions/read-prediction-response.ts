import {
  type DimensionsMatched,
  MAX_MODEL_LENGTH,
  type PredictionConfidence,
  type PredictionData,
  type PredictionMetadata,
  type PredictionResponse,
  type TokenDistribution,
} from '@mosaicstack/telemetry-semconv';

type Json = Record<string, unknown>;

const CONFIDENCES: ReadonlySet<string> = new Set(['high', 'medium', 'low', 'none']);

/** Thrown inside this module only, to unwind a failed check; never escapes it. */
class Invalid extends Error {}

function object(value: unknown, at: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Invalid(`${at}: expected an object`);
  }
  return value as Json;
}

function count(value: unknown, at: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Invalid(`${at}: expected a finite number >= 0`);
  }
  return value;
}

function rate(value: unknown, at: string): number {
  const n = count(value, at);
  if (n > 1) throw new Invalid(`${at}: expected a rate from 0 to 1`);
  return n;
}

/**
 * Longest string kept of each string field of an answer; longer ones are cut. The wire schema
 * gives no limit for these: dimensions are echoed query values (a model is at most
 * `MAX_MODEL_LENGTH` characters, the enums far less), `last_updated` is an RFC 3339 time (at most
 * 35 characters) and `fallback_note` one sentence. Caps keep a cached answer small whatever a
 * server sends.
 */
export const PREDICTION_STRING_LIMITS = {
  dimension: MAX_MODEL_LENGTH,
  last_updated: 64,
  fallback_note: 1024,
} as const;

/**
 * A string or null, cut to `max` characters (never between the halves of a surrogate pair); an
 * absent field reads as null. A cut string is copied, so it does not keep the long one alive.
 */
function nullableString(value: unknown, at: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new Invalid(`${at}: expected a string or null`);
  if (value.length <= max) return value;
  const code = value.charCodeAt(max - 1);
  const cut = value.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
  // slice() may share the long string's memory; a JSON round trip makes a string of its own.
  return JSON.parse(JSON.stringify(cut)) as string;
}

function distribution(value: unknown, at: string): TokenDistribution {
  const d = object(value, at);
  return Object.freeze({
    p10: count(d.p10, `${at}.p10`),
    p25: count(d.p25, `${at}.p25`),
    median: count(d.median, `${at}.median`),
    p75: count(d.p75, `${at}.p75`),
    p90: count(d.p90, `${at}.p90`),
  });
}

function data(value: unknown): PredictionData | null {
  if (value === null) return null;
  const p = object(value, 'prediction');
  const cost = object(p.cost_usd_micros, 'prediction.cost_usd_micros');
  const duration = object(p.duration_ms, 'prediction.duration_ms');
  const factors = object(p.correction_factors, 'prediction.correction_factors');
  const quality = object(p.quality, 'prediction.quality');
  return Object.freeze({
    input_tokens: distribution(p.input_tokens, 'prediction.input_tokens'),
    output_tokens: distribution(p.output_tokens, 'prediction.output_tokens'),
    cost_usd_micros: Object.freeze({ median: count(cost.median, 'cost_usd_micros.median') }),
    duration_ms: Object.freeze({ median: count(duration.median, 'duration_ms.median') }),
    correction_factors: Object.freeze({
      input: count(factors.input, 'correction_factors.input'),
      output: count(factors.output, 'correction_factors.output'),
    }),
    quality: Object.freeze({
      gate_pass_rate: rate(quality.gate_pass_rate, 'quality.gate_pass_rate'),
      success_rate: rate(quality.success_rate, 'quality.success_rate'),
    }),
  });
}

function dimensions(value: unknown): DimensionsMatched | null {
  if (value === undefined || value === null) return null;
  const d = object(value, 'metadata.dimensions_matched');
  const max = PREDICTION_STRING_LIMITS.dimension;
  return Object.freeze({
    task_type: nullableString(d.task_type, 'dimensions_matched.task_type', max),
    model: nullableString(d.model, 'dimensions_matched.model', max),
    provider: nullableString(d.provider, 'dimensions_matched.provider', max),
    complexity: nullableString(d.complexity, 'dimensions_matched.complexity', max),
  });
}

function metadata(value: unknown): PredictionMetadata {
  const m = object(value, 'metadata');
  const sampleSize = count(m.sample_size, 'metadata.sample_size');
  if (!Number.isInteger(sampleSize)) throw new Invalid('metadata.sample_size: expected an integer');
  const level = m.fallback_level;
  if (typeof level !== 'number' || !Number.isInteger(level) || level < -1) {
    throw new Invalid('metadata.fallback_level: expected an integer >= -1');
  }
  if (typeof m.confidence !== 'string' || !CONFIDENCES.has(m.confidence)) {
    throw new Invalid('metadata.confidence: expected high, medium, low or none');
  }
  if (m.cache_hit !== undefined && typeof m.cache_hit !== 'boolean') {
    throw new Invalid('metadata.cache_hit: expected a boolean');
  }
  return Object.freeze({
    sample_size: sampleSize,
    fallback_level: level,
    confidence: m.confidence as PredictionConfidence,
    last_updated: nullableString(
      m.last_updated,
      'metadata.last_updated',
      PREDICTION_STRING_LIMITS.last_updated,
    ),
    dimensions_matched: dimensions(m.dimensions_matched),
    fallback_note: nullableString(
      m.fallback_note,
      'metadata.fallback_note',
      PREDICTION_STRING_LIMITS.fallback_note,
    ),
    cache_hit: m.cache_hit === true,
  });
}

/**
 * Checks one answer of `POST /v1/predictions/batch` and returns a frozen copy holding only the
 * schema's fields, strings cut to `PREDICTION_STRING_LIMITS`, or a message saying what is wrong
 * with it.
 */
export function readPredictionResponse(value: unknown): PredictionResponse | string {
  try {
    const r = object(value, 'result');
    if (!('prediction' in r)) return 'prediction: missing';
    return Object.freeze({ prediction: data(r.prediction), metadata: metadata(r.metadata) });
  } catch (error) {
    if (error instanceof Invalid) return error.message;
    throw error;
  }
}

/**
 * Reads a predictions batch body: one entry per query (a checked answer, or a message saying why
 * that one is unusable), or a message when the body as a whole is not a v1 answer to `expected`
 * queries.
 */
export function readPredictionBatch(
  body: string,
  expected: number,
): Array<PredictionResponse | string> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'response is not JSON';
  }
  const results = (parsed as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) return 'response has no results array';
  if (results.length !== expected) {
    return `response has ${results.length} results for ${expected} queries`;
  }
  return results.map(readPredictionResponse);
}
