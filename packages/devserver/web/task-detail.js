// The detail panel of one task: estimate vs actual, gates and retries, then every field of the event.
import { $, duration, el, factor, number, outcomeBadge, usd } from './dom.js';

function section(title, ...children) {
  const box = el('section', undefined, 'detail-section');
  box.append(el('h3', title), ...children);
  return box;
}

function pairs(entries) {
  const dl = el('dl');
  for (const [name, value] of entries) {
    const dt = el('dt', name);
    const dd = el('dd');
    if (value instanceof Node) dd.append(value);
    else dd.textContent = value;
    dd.dataset.field = name;
    dl.append(dt, dd);
  }
  return dl;
}

/** Estimate, actual and their ratio for tokens and cost; ratios only where an estimate exists. */
function estimateTable(task) {
  const table = el('table', undefined, 'estimate');
  const head = el('tr');
  for (const h of ['', 'estimated', 'actual', 'actual ÷ estimated'])
    head.append(el('th', h, h ? 'num' : ''));
  table.append(head);
  const lines = [
    ['input tokens', task.estimated_input_tokens, task.actual_input_tokens, number],
    ['output tokens', task.estimated_output_tokens, task.actual_output_tokens, number],
    ['cost', task.estimated_cost_usd_micros, task.actual_cost_usd_micros, usd],
  ];
  for (const [name, estimated, actual, format] of lines) {
    const tr = el('tr');
    tr.append(
      el('th', name),
      el('td', estimated > 0 ? format(estimated) : 'none', 'num'),
      el('td', format(actual), 'num'),
      el('td', estimated > 0 ? factor(actual / estimated) : '–', 'num'),
    );
    table.append(tr);
  }
  return table;
}

const list = (values) => (values.length === 0 ? 'none' : values.join(', '));

export function openTaskDetail(task) {
  const dialog = $('task-detail');
  $('detail-title').textContent = `${task.task_type} · ${task.provider}/${task.model}`;
  const { id, ...event } = task;
  const fields = pairs(
    Object.entries(event).map(([k, v]) => [
      k,
      v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v),
    ]),
  );
  fields.classList.add('all-fields');
  $('detail-body').replaceChildren(
    pairs([
      ['outcome', outcomeBadge(task.outcome)],
      ['time', new Date(task.timestamp).toLocaleString()],
      ['duration', duration(task.task_duration_ms)],
      ['retries', number(task.retry_count)],
      ['quality gates', task.quality_gate_passed ? 'passed' : 'failed'],
      ['gates run', list(task.quality_gates_run)],
      ['gates failed', list(task.quality_gates_failed)],
      [
        'trace id',
        'not carried by schema 1.0 events (the event id is derived from the task span’s trace and span ids)',
      ],
    ]),
    section('Estimate vs actual', estimateTable(task)),
    section(`All fields (stored as #${id})`, fields),
  );
  if (!dialog.open) dialog.showModal();
}
