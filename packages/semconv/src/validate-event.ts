import {
  Complexity,
  Harness,
  Outcome,
  Provider,
  QualityGate,
  RepoSizeCategory,
  TaskType,
} from './enums.js';
import {
  MAX_CONTEXT_COMPACTIONS,
  MAX_CONTEXT_ROTATIONS,
  MAX_COST_USD_MICROS,
  MAX_LANGUAGE_LENGTH,
  MAX_MODEL_LENGTH,
  MAX_RETRY_COUNT,
  MAX_TASK_DURATION_MS,
  MAX_TOKENS,
  MIN_MODEL_LENGTH,
  SCHEMA_VERSION,
} from './limits.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

const ENUM_FIELDS = {
  task_type: Object.values(TaskType),
  complexity: Object.values(Complexity),
  harness: Object.values(Harness),
  provider: Object.values(Provider),
  outcome: Object.values(Outcome),
} as const;

const INT_FIELDS: ReadonlyArray<readonly [string, number]> = [
  ['task_duration_ms', MAX_TASK_DURATION_MS],
  ['estimated_input_tokens', MAX_TOKENS],
  ['estimated_output_tokens', MAX_TOKENS],
  ['actual_input_tokens', MAX_TOKENS],
  ['actual_output_tokens', MAX_TOKENS],
  ['estimated_cost_usd_micros', MAX_COST_USD_MICROS],
  ['actual_cost_usd_micros', MAX_COST_USD_MICROS],
  ['context_compactions', MAX_CONTEXT_COMPACTIONS],
  ['context_rotations', MAX_CONTEXT_ROTATIONS],
  ['retry_count', MAX_RETRY_COUNT],
];

const GATES: readonly string[] = Object.values(QualityGate);
const REPO_SIZES: readonly string[] = Object.values(RepoSizeCategory);

/** Every field of a schema-1.0 event, in wire order. */
export const TASK_COMPLETION_EVENT_FIELDS = [
  'instance_id',
  'event_id',
  'schema_version',
  'timestamp',
  'task_duration_ms',
  'task_type',
  'complexity',
  'harness',
  'model',
  'provider',
  'estimated_input_tokens',
  'estimated_output_tokens',
  'actual_input_tokens',
  'actual_output_tokens',
  'estimated_cost_usd_micros',
  'actual_cost_usd_micros',
  'quality_gate_passed',
  'quality_gates_run',
  'quality_gates_failed',
  'context_compactions',
  'context_rotations',
  'context_utilization_final',
  'outcome',
  'retry_count',
  'language',
  'repo_size_category',
] as const;

const KNOWN_FIELDS: ReadonlySet<string> = new Set(TASK_COMPLETION_EVENT_FIELDS);

/**
 * Checks a value against event schema 1.0 strictly: every field present with the right type and
 * range, no unknown field. Returns a list of problems, each naming its field; empty when valid.
 */
export function validateTaskCompletionEvent(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return ['event: must be a JSON object'];
  }
  const e = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(e)) {
    if (!KNOWN_FIELDS.has(key)) problems.push(`${key}: unknown field`);
  }
  for (const key of ['instance_id', 'event_id'] as const) {
    if (typeof e[key] !== 'string' || !UUID.test(e[key] as string)) {
      problems.push(`${key}: must be a UUID string`);
    }
  }
  if (e.schema_version !== SCHEMA_VERSION) {
    problems.push(`schema_version: must be "${SCHEMA_VERSION}"`);
  }
  const ts = e.timestamp;
  if (typeof ts !== 'string' || !ISO_DATETIME.test(ts) || Number.isNaN(Date.parse(ts))) {
    problems.push('timestamp: must be an ISO 8601 date-time string');
  }
  for (const [key, allowed] of Object.entries(ENUM_FIELDS)) {
    if (!(allowed as readonly unknown[]).includes(e[key])) {
      problems.push(`${key}: must be one of ${allowed.join(', ')}`);
    }
  }
  for (const [key, max] of INT_FIELDS) {
    const n = e[key];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max) {
      problems.push(`${key}: must be an integer from 0 to ${max}`);
    }
  }
  const model = e.model;
  if (
    typeof model !== 'string' ||
    model.length < MIN_MODEL_LENGTH ||
    model.length > MAX_MODEL_LENGTH
  ) {
    problems.push(
      `model: must be a string of ${MIN_MODEL_LENGTH} to ${MAX_MODEL_LENGTH} characters`,
    );
  }
  if (typeof e.quality_gate_passed !== 'boolean') {
    problems.push('quality_gate_passed: must be a boolean');
  }
  for (const key of ['quality_gates_run', 'quality_gates_failed'] as const) {
    const gates = e[key];
    if (!Array.isArray(gates) || !gates.every((g) => GATES.includes(g as string))) {
      problems.push(`${key}: must be an array of ${GATES.join(', ')}`);
    }
  }
  const util = e.context_utilization_final;
  if (typeof util !== 'number' || !Number.isFinite(util) || util < 0 || util > 1) {
    problems.push('context_utilization_final: must be a number from 0.0 to 1.0');
  }
  const lang = e.language;
  if (lang !== null && (typeof lang !== 'string' || lang.length > MAX_LANGUAGE_LENGTH)) {
    problems.push(
      `language: must be null or a string of at most ${MAX_LANGUAGE_LENGTH} characters`,
    );
  }
  const repo = e.repo_size_category;
  if (repo !== null && !REPO_SIZES.includes(repo as string)) {
    problems.push(`repo_size_category: must be null or one of ${REPO_SIZES.join(', ')}`);
  }
  return problems;
}
