import {
  Complexity,
  Harness,
  MAX_MODEL_LENGTH,
  Outcome,
  Provider,
  TaskType,
} from '@mosaicstack/telemetry-semconv';
import type { TaskFilter } from '../store/task-filter.js';
import { SORT_COLUMNS, type SortColumn, type TaskQuery } from '../store/task-reader.js';
import type { BreakdownBy, Grain } from '../store/task-statistics.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
const MAX_OFFSET = 10_000_000;
/** The widest UTC offsets in use, in minutes (UTC-12 to UTC+14). */
const MIN_UTC_OFFSET = -720;
const MAX_UTC_OFFSET = 840;

const ENUMS: Record<string, readonly string[]> = {
  task_type: Object.values(TaskType),
  provider: Object.values(Provider),
  complexity: Object.values(Complexity),
  harness: Object.values(Harness),
  outcome: Object.values(Outcome),
  sort: Object.keys(SORT_COLUMNS),
  order: ['asc', 'desc'],
  grain: ['hour', 'day', 'week'],
  by: ['model', 'task_type'],
};

/** A query-string problem, naming the parameter. */
export class ParamError extends Error {}

const text = (params: URLSearchParams, name: string): string | undefined => {
  const value = params.get(name);
  if (value === null || value === '') return undefined;
  const allowed = ENUMS[name];
  if (allowed && !allowed.includes(value)) {
    throw new ParamError(`${name}: must be one of ${allowed.join(', ')}`);
  }
  if (name === 'model' && value.length > MAX_MODEL_LENGTH) {
    throw new ParamError(`model: must be at most ${MAX_MODEL_LENGTH} characters`);
  }
  return value;
};

const integer = (params: URLSearchParams, name: string, min: number, max: number) => {
  const value = params.get(name);
  if (value === null || value === '') return undefined;
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || n < min || n > max) {
    throw new ParamError(`${name}: must be an integer from ${min} to ${max}`);
  }
  return n;
};

const time = (params: URLSearchParams, name: string): number | undefined => {
  const value = params.get(name);
  if (value === null || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ParamError(`${name}: must be an ISO 8601 date-time`);
  return ms;
};

/** Drops the keys whose value is undefined. */
const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The time range and dimension filters every web view read takes; throws ParamError naming the first bad one. */
export function readTaskFilter(params: URLSearchParams): TaskFilter {
  const filter = defined({
    from: time(params, 'from'),
    to: time(params, 'to'),
    task_type: text(params, 'task_type'),
    model: text(params, 'model'),
    provider: text(params, 'provider'),
    complexity: text(params, 'complexity'),
    harness: text(params, 'harness'),
    outcome: text(params, 'outcome'),
  });
  if (filter.from !== undefined && filter.to !== undefined && filter.to <= filter.from) {
    throw new ParamError('to: must be later than from');
  }
  return filter;
}

/** `GET /api/tasks` parameters: the filter, `sort` and `order` (time, newest first), `offset`, `limit`. */
export function readTaskQuery(params: URLSearchParams): TaskQuery {
  return {
    ...readTaskFilter(params),
    sort: (text(params, 'sort') ?? 'time') as SortColumn,
    order: (text(params, 'order') ?? 'desc') as 'asc' | 'desc',
    offset: integer(params, 'offset', 0, MAX_OFFSET) ?? 0,
    limit: integer(params, 'limit', 1, MAX_LIMIT) ?? DEFAULT_LIMIT,
  };
}

/** `GET /api/series` parameters beyond the filter: an optional `grain` and the client's UTC offset in minutes. */
export function readSeriesParams(params: URLSearchParams): {
  grain: Grain | undefined;
  utcOffsetMs: number;
} {
  return {
    grain: text(params, 'grain') as Grain | undefined,
    utcOffsetMs: (integer(params, 'utc_offset', MIN_UTC_OFFSET, MAX_UTC_OFFSET) ?? 0) * 60_000,
  };
}

/** `GET /api/breakdown`'s required `by`. */
export function readBreakdownBy(params: URLSearchParams): BreakdownBy {
  const by = text(params, 'by');
  if (by === undefined) throw new ParamError(`by: missing; must be one of ${ENUMS.by?.join(', ')}`);
  return by as BreakdownBy;
}

/** `GET /api/predictions` parameters, as a query object for the prediction validator. */
export function readPredictionParams(params: URLSearchParams): Record<string, string | null> {
  const query: Record<string, string | null> = {};
  for (const name of ['task_type', 'model', 'provider', 'complexity'])
    query[name] = params.get(name);
  return query;
}
