// predictions/: answers to prediction queries: the fallback ladder, the query check, a TTL cache.
import type {
  PredictionConfidence,
  PredictionQuery,
  PredictionResponse,
} from '@mosaicstack/telemetry-semconv';
import type { DimensionFilter, EventStore } from '../store/event-store.js';

/** Samples at level 0 for medium and high confidence (wire protocol, predictions). */
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

/** Answers one prediction query from the stored events, walking the fallback ladder. */
export function computePrediction(store: EventStore, query: PredictionQuery): PredictionResponse {
  for (const [level, filter] of ladder(query).entries()) {
    const statistics = store.statistics(filter);
    if (!statistics) continue;
    return {
      prediction: statistics.data,
      metadata: {
        sample_size: statistics.sampleSize,
        fallback_level: level,
        confidence: confidenceOf(level, statistics.sampleSize),
        last_updated: new Date(statistics.lastUpdatedMs).toISOString(),
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
