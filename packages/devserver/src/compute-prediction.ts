import type {
  PredictionConfidence,
  PredictionQuery,
  PredictionResponse,
} from '@mosaicstack/telemetry-semconv';
import type { DimensionFilter, EventStore, PredictionRow } from './event-store.js';
import { summarizePredictionRows } from './summarize-prediction-rows.js';

/** Samples at level 0 for medium and high confidence (DESIGN section 6). */
const MEDIUM_CONFIDENCE_SAMPLES = 30;
const HIGH_CONFIDENCE_SAMPLES = 100;

const FALLBACK_NOTES = [
  null,
  'No exact match: dropped complexity.',
  'No match on model: dropped complexity and model.',
  'Matched on task_type only: dropped complexity, model and provider.',
] as const;

/** The ladder: level 0 exact, 1 drop complexity, 2 drop model too, 3 task_type only. */
const ladder = (q: PredictionQuery): DimensionFilter[] => [
  [q.task_type, q.provider, q.model, q.complexity],
  [q.task_type, q.provider, q.model],
  [q.task_type, q.provider],
  [q.task_type],
];

const confidenceOf = (level: number, samples: number): PredictionConfidence => {
  if (level > 0 || samples < MEDIUM_CONFIDENCE_SAMPLES) return 'low';
  return samples >= HIGH_CONFIDENCE_SAMPLES ? 'high' : 'medium';
};

const lastUpdated = (rows: readonly PredictionRow[]): string =>
  new Date(Math.max(...rows.map((r) => r.timestamp_ms))).toISOString();

/** Answers one prediction query from the stored events, walking the fallback ladder. */
export function computePrediction(store: EventStore, query: PredictionQuery): PredictionResponse {
  const filters = ladder(query);
  for (const [level, filter] of filters.entries()) {
    const rows = store.select(filter);
    if (rows.length === 0) continue;
    return {
      prediction: summarizePredictionRows(rows),
      metadata: {
        sample_size: rows.length,
        fallback_level: level,
        confidence: confidenceOf(level, rows.length),
        last_updated: lastUpdated(rows),
        dimensions_matched: {
          task_type: query.task_type,
          model: level < 2 ? query.model : null,
          provider: level < 3 ? query.provider : null,
          complexity: level < 1 ? query.complexity : null,
        },
        fallback_note: FALLBACK_NOTES[level] ?? null,
        cache_hit: false,
      },
    };
  }
  return {
    prediction: null,
    metadata: {
      sample_size: 0,
      fallback_level: -1,
      confidence: 'none',
      last_updated: null,
      dimensions_matched: null,
      fallback_note: `No stored events for task_type "${query.task_type}".`,
      cache_hit: false,
    },
  };
}
