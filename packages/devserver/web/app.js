// The devserver's web view: reads the JSON routes, renders with DOM text nodes only (model names
// and other values come from clients: never parsed as HTML) and Chart.js canvases; polls for news.
const POLL_MS = 2000;
const PAGE_SIZE = 25;
const KEY_STORAGE = 'mosaic-devserver-key';
const ENUMS = {
  task_type: [
    'planning',
    'implementation',
    'code_review',
    'testing',
    'debugging',
    'refactoring',
    'documentation',
    'configuration',
    'security_audit',
    'unknown',
  ],
  provider: [
    'anthropic',
    'openai',
    'openrouter',
    'ollama',
    'google',
    'mistral',
    'custom',
    'unknown',
  ],
  complexity: ['low', 'medium', 'high', 'critical'],
  harness: [
    'claude_code',
    'opencode',
    'kilo_code',
    'aider',
    'api_direct',
    'ollama_local',
    'custom',
    'unknown',
  ],
  outcome: ['success', 'failure', 'partial', 'timeout'],
};

const $ = (id) => document.getElementById(id);
const number = new Intl.NumberFormat('en-US');
const usd = (micros) => `$${(micros / 1e6).toFixed(micros < 1e6 ? 4 : 2)}`;
const seconds = (ms) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/** Creates an element with text content (never HTML) and optional class. */
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function fillSelect(select, values, anyLabel) {
  const current = select.value;
  select.replaceChildren();
  if (anyLabel) select.append(new Option(anyLabel, ''));
  for (const value of values) select.append(new Option(value, value));
  if ([...select.options].some((o) => o.value === current)) select.value = current;
}

// ---- API access (Bearer key only when the server asks for one) ----
async function api(path) {
  const key = sessionStorage.getItem(KEY_STORAGE);
  const response = await fetch(path, key ? { headers: { Authorization: `Bearer ${key}` } } : {});
  if (response.status === 401) {
    $('auth').hidden = false;
    throw new Error('the API key is needed');
  }
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

$('auth').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY_STORAGE, $('auth-key').value.trim());
  $('auth').hidden = true;
  refresh(true).catch(showError);
});

// ---- charts ----
const charts = {};
function chart(id, config) {
  if (typeof Chart === 'undefined') return;
  if (charts[id]) {
    charts[id].data = config.data;
    charts[id].update('none');
    return;
  }
  charts[id] = new Chart($(id), {
    ...config,
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
      ...config.options,
    },
  });
}

const tokenAndCostScales = {
  tokens: { type: 'linear', position: 'left', title: { display: true, text: 'tokens' } },
  cost: {
    type: 'linear',
    position: 'right',
    grid: { drawOnChartArea: false },
    title: { display: true, text: 'cost (USD)' },
  },
};

function groupChart(id, rows, label) {
  chart(id, {
    type: 'bar',
    data: {
      labels: rows.map(label),
      datasets: [
        {
          label: 'input tokens',
          data: rows.map((r) => r.input_tokens),
          yAxisID: 'tokens',
          backgroundColor: '#3b5bdb',
        },
        {
          label: 'output tokens',
          data: rows.map((r) => r.output_tokens),
          yAxisID: 'tokens',
          backgroundColor: '#91a7ff',
        },
        {
          label: 'cost (USD)',
          data: rows.map((r) => r.cost_usd_micros / 1e6),
          yAxisID: 'cost',
          backgroundColor: '#f08c00',
        },
      ],
    },
    options: { scales: tokenAndCostScales },
  });
}

function renderSummary(summary) {
  $('total-events').textContent = number.format(summary.totals.events);
  $('total-input').textContent = number.format(summary.totals.input_tokens);
  $('total-output').textContent = number.format(summary.totals.output_tokens);
  $('total-cost').textContent = usd(summary.totals.cost_usd_micros);
  const hours = summary.hourly;
  chart('chart-time', {
    type: 'line',
    data: {
      labels: hours.map((h) =>
        new Date(h.hour_start).toLocaleString([], {
          month: 'short',
          day: 'numeric',
          hour: '2-digit',
          minute: '2-digit',
        }),
      ),
      datasets: [
        {
          label: 'input tokens',
          data: hours.map((h) => h.input_tokens),
          yAxisID: 'tokens',
          borderColor: '#3b5bdb',
          backgroundColor: '#3b5bdb',
          tension: 0.2,
        },
        {
          label: 'output tokens',
          data: hours.map((h) => h.output_tokens),
          yAxisID: 'tokens',
          borderColor: '#91a7ff',
          backgroundColor: '#91a7ff',
          tension: 0.2,
        },
        {
          label: 'cost (USD)',
          data: hours.map((h) => h.cost_usd_micros / 1e6),
          yAxisID: 'cost',
          borderColor: '#f08c00',
          backgroundColor: '#f08c00',
          tension: 0.2,
        },
      ],
    },
    options: { scales: tokenAndCostScales },
  });
  groupChart('chart-task-type', summary.by_task_type, (r) => r.task_type);
  groupChart('chart-model', summary.by_model.slice(0, 12), (r) => r.model);
  const models = $('known-models');
  models.replaceChildren(...summary.dimensions.models.map((m) => new Option(m)));
}

// ---- tasks table: cursor pages, newest first ----
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

async function loadTasks() {
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

// ---- predictions panel ----
let predictionQuery;

function rangeRow(label, d, max) {
  const pct = (v) => `${Math.min(100, (v / max) * 100).toFixed(2)}%`;
  const width = (a, b) => `${Math.max(0.5, ((b - a) / max) * 100).toFixed(2)}%`;
  const track = el('div', undefined, 'range-track');
  const outer = el('div', undefined, 'range-outer');
  outer.style.left = pct(d.p10);
  outer.style.width = width(d.p10, d.p90);
  const inner = el('div', undefined, 'range-inner');
  inner.style.left = pct(d.p25);
  inner.style.width = width(d.p25, d.p75);
  const median = el('div', undefined, 'range-median');
  median.style.left = pct(d.median);
  track.append(outer, inner, median);
  const row = el('div', undefined, 'range-row');
  const numbers = [d.p10, d.p25, d.median, d.p75, d.p90].map((v) => number.format(v));
  row.append(
    el('span', label),
    track,
    el(
      'span',
      `p10–p90 ${numbers[0]} · ${numbers[1]} · ${numbers[2]} · ${numbers[3]} · ${numbers[4]}`,
      'muted',
    ),
  );
  return row;
}

function fact(label, value, name) {
  const span = el('span', `${label} `);
  const b = el('b', value);
  b.dataset.fact = name;
  span.append(b);
  return span;
}

function renderPrediction(answer) {
  const box = $('prediction');
  const m = answer.metadata;
  const facts = el('div', undefined, 'facts');
  facts.append(
    fact('samples', number.format(m.sample_size), 'sample_size'),
    fact('confidence', m.confidence, 'confidence'),
    fact('fallback level', String(m.fallback_level), 'fallback_level'),
  );
  if (!answer.prediction) {
    box.replaceChildren(facts, el('p', m.fallback_note ?? 'No data.', 'muted'));
    return;
  }
  const p = answer.prediction;
  const max = Math.max(p.input_tokens.p90, p.output_tokens.p90, 1);
  facts.append(
    fact('median cost', usd(p.cost_usd_micros.median), 'median_cost'),
    fact('median duration', seconds(p.duration_ms.median), 'median_duration'),
    fact('median input tokens', number.format(p.input_tokens.median), 'median_input'),
  );
  const note = el('p', m.fallback_note ?? 'Exact match on all four dimensions.', 'muted');
  note.dataset.fact = 'fallback_note';
  box.replaceChildren(
    rangeRow('input tokens', p.input_tokens, max),
    rangeRow('output tokens', p.output_tokens, max),
    facts,
    note,
  );
}

async function loadPrediction() {
  if (!predictionQuery) return;
  renderPrediction(await api(`/api/predictions?${new URLSearchParams(predictionQuery)}`));
}

$('prediction-form').addEventListener('submit', (event) => {
  event.preventDefault();
  predictionQuery = Object.fromEntries(new FormData(event.target));
  loadPrediction().catch(showError);
});

// ---- live updates ----
let seen = -1;
function showError(error) {
  $('status').textContent = `error: ${error.message}`;
}

async function refresh(force = false) {
  const summary = await api('/api/summary');
  $('status').textContent =
    `${number.format(summary.stored_events)} tasks stored · updated ${new Date().toLocaleTimeString()}`;
  if (!force && summary.stored_events === seen) return;
  seen = summary.stored_events;
  renderSummary(summary);
  if (pageIndex === 0) await loadTasks();
  await loadPrediction();
}

function start() {
  fillSelect($('p-task-type'), ENUMS.task_type);
  fillSelect($('p-provider'), ENUMS.provider);
  fillSelect($('p-complexity'), ENUMS.complexity);
  $('p-complexity').value = 'medium';
  fillSelect($('f-task-type'), ENUMS.task_type, 'any');
  fillSelect($('f-provider'), ENUMS.provider, 'any');
  fillSelect($('f-harness'), ENUMS.harness, 'any');
  fillSelect($('f-outcome'), ENUMS.outcome, 'any');
  const tick = () => {
    refresh()
      .catch(showError)
      .finally(() => setTimeout(tick, POLL_MS));
  };
  tick();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
