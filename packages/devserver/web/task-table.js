// The task table: sortable on every column (time newest first by default), offset pages (GET /api/tasks).
import { $, api, duration, el, number, outcomeBadge, plural, usd } from './dom.js';
import { openTaskDetail } from './task-detail.js';

export const PAGE_SIZE = 25;
/** Columns whose first click sorts ascending (text); the others start descending. */
const TEXT_COLUMNS = new Set([
  'task_type',
  'model',
  'provider',
  'harness',
  'complexity',
  'outcome',
]);

function row(task) {
  const tr = el('tr');
  tr.dataset.taskId = String(task.id);
  tr.tabIndex = 0;
  tr.append(
    el('td', new Date(task.timestamp).toLocaleString()),
    el('td', task.task_type),
    el('td', task.model, 'model'),
    el('td', task.provider),
    el('td', task.harness),
    el('td', task.complexity),
    el('td', number(task.actual_input_tokens), 'num'),
    el('td', number(task.actual_output_tokens), 'num'),
    el('td', usd(task.actual_cost_usd_micros), 'num'),
    el('td', duration(task.task_duration_ms), 'num'),
    el('td'),
  );
  tr.cells[2].title = task.model;
  tr.cells[10].append(outcomeBadge(task.outcome));
  const open = () => openTaskDetail(task);
  tr.addEventListener('click', open);
  tr.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      open();
    }
  });
  return tr;
}

function message(text, action) {
  const tr = el('tr');
  const cell = el('td', text, 'muted');
  cell.colSpan = 11;
  if (action) cell.append(' ', action);
  tr.append(cell);
  return tr;
}

/** Draws one page of `state`'s order; `matching` is the filtered count from the summary. */
export async function loadTasks(state, query, matching, clearButton) {
  const page = Number(state.page) || 0;
  const params = new URLSearchParams(query);
  params.set('sort', state.sort);
  params.set('order', state.order);
  params.set('limit', String(PAGE_SIZE));
  params.set('offset', String(page * PAGE_SIZE));
  const answer = await api(`/api/tasks?${params}`);
  const rows = answer.tasks.map(row);
  if (rows.length === 0)
    rows.push(message('No tasks match this range and these filters.', clearButton));
  $('task-table').tBodies[0].replaceChildren(...rows);
  for (const th of $('task-table').tHead.rows[0].cells) {
    const sorted = th.dataset.sort === state.sort;
    if (sorted) th.setAttribute('aria-sort', state.order === 'asc' ? 'ascending' : 'descending');
    else th.removeAttribute('aria-sort');
  }
  const pages = Math.max(1, Math.ceil(matching / PAGE_SIZE));
  $('task-count').textContent = `${plural(matching, 'task')} match`;
  $('page-info').textContent = `page ${number(page + 1)} of ${number(pages)}`;
  $('older').disabled = answer.next_offset === null;
  $('newer').disabled = page === 0;
}

/** The sort a click on column `column` asks for. */
export function nextSort(state, column) {
  if (state.sort === column) return { sort: column, order: state.order === 'asc' ? 'desc' : 'asc' };
  return { sort: column, order: TEXT_COLUMNS.has(column) ? 'asc' : 'desc' };
}
