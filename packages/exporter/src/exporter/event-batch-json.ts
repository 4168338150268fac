import type { QualityGate, TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';

/** A one-entry memo of a free-text value and its escaped JSON form (without the quotes). */
interface Escaped {
  raw: string;
  inner: string;
}

const memo = (): Escaped => ({ raw: '', inner: '' });
const instanceMemo = memo();
const modelMemo = memo();
const languageMemo = memo();

/**
 * `value` as JSON.stringify writes it, minus the surrounding quotes. The values of a batch repeat
 * (one instance, a few models and languages), so the last one is remembered.
 */
function escaped(value: string, last: Escaped): string {
  if (value !== last.raw) {
    last.raw = value;
    last.inner = JSON.stringify(value).slice(1, -1);
  }
  return last.inner;
}

function gatesJson(gates: readonly QualityGate[]): string {
  const n = gates.length;
  if (n === 0) return '[]';
  let out = `["${gates[0]}`;
  for (let i = 1; i < n; i++) out += `","${gates[i]}`;
  return `${out}"]`;
}

/**
 * The request body `{"events":[...]}` for `events`, byte for byte what `JSON.stringify({ events })`
 * writes: one template per event, field names and punctuation being constants, and only the
 * free-text fields (instance_id, model, language) escaped, by JSON.stringify. The result is a rope
 * that is flattened once, when it is written out. Kept for bench (b) "CPU per exported task span",
 * where `JSON.stringify({ events })` instead shows. Contract: the events are as `toTaskEvent`
 * makes them, so enum values, event ids and timestamps hold no character that needs escaping and
 * every number is finite.
 */
export function eventBatchJson(events: readonly TaskCompletionEvent[]): string {
  let body = '{"events":[';
  let sep = '';
  for (const e of events) {
    body += `${sep}{"instance_id":"${escaped(e.instance_id, instanceMemo)}","event_id":"${e.event_id}","schema_version":"1.0","timestamp":"${e.timestamp}","task_duration_ms":${e.task_duration_ms},"task_type":"${e.task_type}","complexity":"${e.complexity}","harness":"${e.harness}","model":"${escaped(e.model, modelMemo)}","provider":"${e.provider}","estimated_input_tokens":${e.estimated_input_tokens},"estimated_output_tokens":${e.estimated_output_tokens},"actual_input_tokens":${e.actual_input_tokens},"actual_output_tokens":${e.actual_output_tokens},"estimated_cost_usd_micros":${e.estimated_cost_usd_micros},"actual_cost_usd_micros":${e.actual_cost_usd_micros},"quality_gate_passed":${e.quality_gate_passed},"quality_gates_run":${gatesJson(e.quality_gates_run)},"quality_gates_failed":${gatesJson(e.quality_gates_failed)},"context_compactions":${e.context_compactions},"context_rotations":${e.context_rotations},"context_utilization_final":${e.context_utilization_final},"outcome":"${e.outcome}","retry_count":${e.retry_count},"language":${e.language === null ? 'null' : `"${escaped(e.language, languageMemo)}"`},"repo_size_category":${e.repo_size_category === null ? 'null' : `"${e.repo_size_category}"`}}`;
    sep = ',';
  }
  return `${body}]}`;
}
