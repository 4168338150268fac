import type { PredictionData, TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { percentile } from './percentile.js';

/**
 * The devserver's first prediction method, kept as the test oracle: every matching event in
 * memory, sorted, linear interpolation at rank (n-1)p, rounded. The server must give the same
 * numbers without holding the rows.
 */
export function oraclePrediction(events: readonly TaskCompletionEvent[]): PredictionData {
  const sorted = (pick: (e: TaskCompletionEvent) => number) =>
    events.map(pick).sort((a, b) => a - b);
  const q = (values: number[], p: number) => Math.round(percentile(values, p));
  const distribution = (values: number[]) => ({
    p10: q(values, 0.1),
    p25: q(values, 0.25),
    median: q(values, 0.5),
    p75: q(values, 0.75),
    p90: q(values, 0.9),
  });
  const factor = (side: 'input' | 'output') => {
    let actual = 0;
    let estimated = 0;
    for (const e of events) {
      const estimate = e[`estimated_${side}_tokens`];
      if (estimate > 0) {
        estimated += estimate;
        actual += e[`actual_${side}_tokens`];
      }
    }
    return estimated === 0 ? 1 : Math.round((actual / estimated) * 10_000) / 10_000;
  };
  const share = (test: (e: TaskCompletionEvent) => boolean) =>
    events.filter(test).length / events.length;
  return {
    input_tokens: distribution(sorted((e) => e.actual_input_tokens)),
    output_tokens: distribution(sorted((e) => e.actual_output_tokens)),
    cost_usd_micros: {
      median: q(
        sorted((e) => e.actual_cost_usd_micros),
        0.5,
      ),
    },
    duration_ms: {
      median: q(
        sorted((e) => e.task_duration_ms),
        0.5,
      ),
    },
    correction_factors: { input: factor('input'), output: factor('output') },
    quality: {
      gate_pass_rate: share((e) => e.quality_gate_passed),
      success_rate: share((e) => e.outcome === 'success'),
    },
  };
}
