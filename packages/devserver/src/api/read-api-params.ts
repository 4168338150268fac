import {
  Complexity,
  Harness,
  MAX_MODEL_LENGTH,
  Outcome,
  Provider,
  TaskType,
} from '@mosaicstack/telemetry-semconv';
import type { SummaryQuery } from '../store/summarize.js';
import type { TaskQuery } from '../store/task-reader.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

const ENUMS: Record<string, readonly string[]> = {
  task_type: Object.values(TaskType),
  provider: Object.values(Provider),
  complexity: Object.values(Complexity),
  harness: Object.values(Harness),
  outcome: Object.values(Outcome),
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
  if (!/^\d+$/.test(value) || n < min || n > max) {
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

/** `GET /api/tasks` parameters; throws ParamError naming the first bad one. */
export function readTaskQuery(params: URLSearchParams): TaskQuery {
  return defined({
    limit: integer(params, 'limit', 1, MAX_LIMIT) ?? DEFAULT_LIMIT,
    before: integer(params, 'before', 1, Number.MAX_SAFE_INTEGER),
    task_type: text(params, 'task_type'),
    model: text(params, 'model'),
    provider: text(params, 'provider'),
    harness: text(params, 'harness'),
    outcome: text(params, 'outcome'),
    from: time(params, 'from'),
    to: time(params, 'to'),
  });
}

/** `GET /api/summary` parameters. */
export function readSummaryQuery(params: URLSearchParams): SummaryQuery {
  return defined({ from: time(params, 'from'), to: time(params, 'to') });
}

/** `GET /api/predictions` parameters, as a query object for the prediction validator. */
export function readPredictionParams(params: URLSearchParams): Record<string, string | null> {
  const query: Record<string, string | null> = {};
  for (const name of ['task_type', 'model', 'provider', 'complexity'])
    query[name] = params.get(name);
  return query;
}
