import type { EventStore, TaskFilter } from '../store/event-store.js';
import {
  type Grain,
  grainFor,
  type SeriesPoint,
  type TaskTotals,
} from '../store/task-statistics.js';

/** `GET /api/summary`: the cards of the web view for a range and filters, and what is stored. */
export interface SummaryAnswer {
  /** Events stored, whatever the filter. */
  stored_events: number;
  /** The earliest and latest task time stored (ISO 8601); null without tasks. */
  first_task: string | null;
  last_task: string | null;
  totals: TaskTotals;
  /** Every `provider/model` pair stored (for the filters), by model name. */
  models: { provider: string; model: string }[];
}

const iso = (ms: number | undefined): string | null =>
  ms === undefined ? null : new Date(ms).toISOString();

/** Answers `GET /api/summary` for `filter`. */
export function summaryOf(store: EventStore, filter: TaskFilter): SummaryAnswer {
  return store.aggregate((statistics) => {
    const extent = statistics.extent();
    return {
      stored_events: store.count(),
      first_task: iso(extent?.first),
      last_task: iso(extent?.last),
      totals: statistics.totals(filter),
      models: statistics.models(),
    };
  });
}

/**
 * `GET /api/series`: tokens and cost over time, per `grain` or else the grain that suits the range
 * (the stored tasks' span when the range is open).
 */
export function seriesOf(
  store: EventStore,
  filter: TaskFilter,
  options: { grain: Grain | undefined; utcOffsetMs: number },
): { grain: Grain; points: SeriesPoint[] } {
  return store.aggregate((statistics) => {
    let grain = options.grain;
    if (grain === undefined) {
      const extent = statistics.extent();
      const from = filter.from ?? extent?.first ?? 0;
      const to = filter.to ?? (extent ? extent.last + 1 : from);
      grain = grainFor(Math.max(0, to - Math.max(from, extent?.first ?? from)));
    }
    return { grain, points: statistics.series(filter, grain, options.utcOffsetMs) };
  });
}
