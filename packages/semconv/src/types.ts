import type {
  Complexity,
  Harness,
  Outcome,
  Provider,
  QualityGate,
  RepoSizeCategory,
  TaskType,
} from './enums.js';

/** One finished coding task, as sent to `POST /v1/events/batch` (schema 1.0). */
export interface TaskCompletionEvent {
  instance_id: string;
  event_id: string;
  schema_version: '1.0';
  /** ISO 8601 UTC, the task's end. */
  timestamp: string;
  task_duration_ms: number;
  task_type: TaskType;
  complexity: Complexity;
  harness: Harness;
  model: string;
  provider: Provider;
  estimated_input_tokens: number;
  estimated_output_tokens: number;
  actual_input_tokens: number;
  actual_output_tokens: number;
  estimated_cost_usd_micros: number;
  actual_cost_usd_micros: number;
  quality_gate_passed: boolean;
  quality_gates_run: QualityGate[];
  quality_gates_failed: QualityGate[];
  context_compactions: number;
  context_rotations: number;
  context_utilization_final: number;
  outcome: Outcome;
  retry_count: number;
  language: string | null;
  repo_size_category: RepoSizeCategory | null;
}

/** Body of `POST /v1/events/batch`. */
export interface BatchEventRequest {
  events: TaskCompletionEvent[];
}

/** Per-event verdict in a batch response. */
export interface BatchEventResult {
  /** The event's id; null when the rejected item had no readable id. */
  event_id: string | null;
  status: 'accepted' | 'rejected';
  error: string | null;
}

/** 200 response of `POST /v1/events/batch` (partial success). */
export interface BatchEventResponse {
  accepted: number;
  rejected: number;
  results: BatchEventResult[];
}

/** The four dimensions a prediction is asked for. */
export interface PredictionQuery {
  task_type: TaskType;
  model: string;
  provider: Provider;
  complexity: Complexity;
}

/** Body of `POST /v1/predictions/batch`. */
export interface PredictionBatchRequest {
  queries: PredictionQuery[];
}

/** Percentiles of a token count. */
export interface TokenDistribution {
  p10: number;
  p25: number;
  median: number;
  p75: number;
  p90: number;
}

/** Ratio of actual to estimated tokens. */
export interface CorrectionFactors {
  input: number;
  output: number;
}

/** Pass and success rates, 0..1. */
export interface QualityPrediction {
  gate_pass_rate: number;
  success_rate: number;
}

/** The statistics of a prediction. */
export interface PredictionData {
  input_tokens: TokenDistribution;
  output_tokens: TokenDistribution;
  cost_usd_micros: { median: number };
  duration_ms: { median: number };
  correction_factors: CorrectionFactors;
  quality: QualityPrediction;
}

/** How much a prediction can be trusted. */
export type PredictionConfidence = 'high' | 'medium' | 'low' | 'none';

/** Which of the query's dimensions the prediction matched; dropped ones are null. */
export interface DimensionsMatched {
  task_type: string | null;
  model: string | null;
  provider: string | null;
  complexity: string | null;
}

/** Where a prediction came from. */
export interface PredictionMetadata {
  sample_size: number;
  /** 0 exact, 1+ dimensions dropped, -1 no data. */
  fallback_level: number;
  confidence: PredictionConfidence;
  last_updated: string | null;
  dimensions_matched: DimensionsMatched | null;
  fallback_note: string | null;
  cache_hit: boolean;
}

/** One answer of `POST /v1/predictions/batch`; `prediction` is null when there is no data. */
export interface PredictionResponse {
  prediction: PredictionData | null;
  metadata: PredictionMetadata;
}

/** 200 response of `POST /v1/predictions/batch`, results in query order. */
export interface PredictionBatchResponse {
  results: PredictionResponse[];
}
