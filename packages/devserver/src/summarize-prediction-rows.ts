import type { PredictionData, TokenDistribution } from '@mosaicstack/telemetry-semconv';
import type { PredictionRow } from './event-store.js';
import { percentile } from './percentile.js';

const ascending = (values: number[]): number[] => values.sort((a, b) => a - b);

const distribution = (values: number[]): TokenDistribution => {
  const sorted = ascending(values);
  return {
    p10: Math.round(percentile(sorted, 0.1)),
    p25: Math.round(percentile(sorted, 0.25)),
    median: Math.round(percentile(sorted, 0.5)),
    p75: Math.round(percentile(sorted, 0.75)),
    p90: Math.round(percentile(sorted, 0.9)),
  };
};

const median = (values: number[]): number => Math.round(percentile(ascending(values), 0.5));

/** sum(actual) / sum(estimated) over rows with an estimate > 0, 4 decimals; 1 when none. */
const correction = (rows: readonly PredictionRow[], side: 'input' | 'output'): number => {
  let actual = 0;
  let estimated = 0;
  for (const row of rows) {
    const estimate = row[`estimated_${side}_tokens`];
    if (estimate > 0) {
      estimated += estimate;
      actual += row[`actual_${side}_tokens`];
    }
  }
  return estimated === 0 ? 1 : Math.round((actual / estimated) * 10_000) / 10_000;
};

const share = (rows: readonly PredictionRow[], test: (row: PredictionRow) => boolean): number =>
  rows.filter(test).length / rows.length;

/** The statistics of a prediction over a non-empty set of stored events. */
export function summarizePredictionRows(rows: readonly PredictionRow[]): PredictionData {
  return {
    input_tokens: distribution(rows.map((r) => r.actual_input_tokens)),
    output_tokens: distribution(rows.map((r) => r.actual_output_tokens)),
    cost_usd_micros: { median: median(rows.map((r) => r.actual_cost_usd_micros)) },
    duration_ms: { median: median(rows.map((r) => r.task_duration_ms)) },
    correction_factors: { input: correction(rows, 'input'), output: correction(rows, 'output') },
    quality: {
      gate_pass_rate: share(rows, (r) => r.quality_gate_passed === 1),
      success_rate: share(rows, (r) => r.outcome === 'success'),
    },
  };
}
