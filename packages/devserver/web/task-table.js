// The task table: latest received first, cursor pages, filters (GET /api/tasks).
import { $, api, el, number, seconds, showError, usd } from './dom.js';

const PAGE_SIZE = 25;
const pages = [undefined]; // cursors of the pages seen; undefined = newest
let pageIndex = 0;

function taskFilters() {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData($('task-filters'))) {
    if (value === '') continue;
    params.set(name, name === 'from' || name === 'to' ? new Date(value).toISOString() : value);
  }
  return params;
}

export async function loadTasks() {
  const params = taskFilters();
  params.set('limit', String(PAGE_SIZE));
  const before = pages[pageIndex];
  if (before !== undefined) params.set('before', String(before));
  const page = await api(`/api/tasks?${params}`);
  const rows = page.tasks.map((task) => {
    const tr = el('tr');
    tr.dataset.taskId = String(task.id);
    tr.append(
      el('td', new Date(task.timestamp).toLocaleString()),
      el('td', task.task_type),
      el('td', task.model, 'model'),
      el('td', task.provider),
      el('td', task.harness),
      el('td', task.complexity),
      el('td', number.format(task.actual_input_tokens), 'num'),
      el('td', number.format(task.actual_output_tokens), 'num'),
      el('td', usd(task.actual_cost_usd_micros), 'num'),
      el('td', seconds(task.task_duration_ms), 'num'),
      el('td', task.outcome, `outcome-${task.outcome}`),
    );
    tr.cells[2].title = task.model;
    return tr;
  });
  $('task-table').tBodies[0].replaceChildren(...rows);
  if (rows.length === 0) {
    const empty = el('tr');
    const cell = el('td', 'No tasks match.', 'muted');
    cell.colSpan = 11;
    empty.append(cell);
    $('task-table').tBodies[0].append(empty);
  }
  pages[pageIndex + 1] = page.next_before ?? undefined;
  $('older').disabled = page.next_before === null;
  $('newer').disabled = pageIndex === 0;
  $('page-info').textContent = `page ${pageIndex + 1}`;
}

$('older').addEventListener('click', () => {
  pageIndex += 1;
  loadTasks().catch(showError);
});
$('newer').addEventListener('click', () => {
  pageIndex = Math.max(0, pageIndex - 1);
  loadTasks().catch(showError);
});
$('task-filters').addEventListener('submit', (event) => {
  event.preventDefault();
  pageIndex = 0;
  loadTasks().catch(showError);
});
$('task-filters').addEventListener('reset', () => {
  setTimeout(() => {
    pageIndex = 0;
    loadTasks().catch(showError);
  }, 0);
});

/** Whether the newest page is shown (live updates only redraw that one). */
export const onFirstPage = () => pageIndex === 0;
