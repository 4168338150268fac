// The devserver's web view: the URL holds the state (range, filters, sort, page); every data route
// reads the same range and filters; renders with DOM text nodes only (model names and other values
// come from clients: never parsed as HTML) and Chart.js canvases; polls for news.
import { renderCards } from './cards.js';
import { renderBars, renderFactor, renderRates, renderTimeChart } from './charts.js';
import { $, ApiError, api, el, fillSelect, KEY_STORAGE, plural } from './dom.js';
import { renderEmptyState } from './empty-state.js';
import { renderModelTable } from './model-table.js';
import { initPredictionPanel, loadPrediction } from './prediction-panel.js';
import { Complexity, Harness, Outcome, Provider, TaskType } from './semconv.js';
import { FILTERS, filterQuery, readState, writeState } from './state.js';
import { loadTasks, nextSort } from './task-table.js';

const POLL_MS = 2000;
/** A relative range (last hour, day…) moves with the clock: redrawn this often without news. */
const SLIDE_MS = 30_000;
const time = (date) => date.toLocaleTimeString();

let drawn = { key: '', stored: -1, at: 0 };
let lastGood;
let downSince;
let data;

function syncControls(state) {
  $('range').value = state.range;
  document.body.classList.toggle('custom', state.range === 'custom');
  $('range-from').value = state.from ?? '';
  $('range-to').value = state.to ?? '';
  for (const name of FILTERS) $(`f-${name.replace('_', '-')}`).value = state[name] ?? '';
  $('metric').value = state.metric;
}

function draw() {
  if (!data) return;
  const { summary, series, byModel, byType, state } = data;
  renderCards(summary.totals);
  renderTimeChart(series);
  renderBars('chart-model', 'box-model', byModel, state.metric);
  renderBars('chart-task-type', 'box-task-type', byType, state.metric);
  renderRates(byModel);
  renderFactor(byModel);
  renderModelTable(byModel);
}

function clearFiltersButton() {
  const button = el('button', 'Clear filters');
  button.type = 'button';
  button.addEventListener('click', clearFilters);
  return button;
}

function fillModels(models) {
  const names = [...new Set(models.map((m) => m.model))];
  const current = readState().model;
  if (current && !names.includes(current)) names.push(current);
  fillSelect($('f-model'), names, 'any');
  $('f-model').value = current ?? '';
  $('known-models').replaceChildren(...names.map((m) => new Option(m)));
}

async function refresh(force = false) {
  const state = readState();
  const query = filterQuery(state);
  const summary = await api(`/api/summary?${query}`);
  lastGood = new Date();
  downSince = undefined;
  document.body.classList.remove('is-stale');
  $('stale').hidden = true;
  $('status').textContent =
    `${plural(summary.stored_events, 'task')} stored · updated ${time(lastGood)}`;
  const empty = summary.stored_events === 0;
  $('empty').hidden = !empty;
  $('dashboard').hidden = empty;
  if (empty) {
    if (drawn.stored !== 0) await renderEmptyState();
    drawn = { key: '', stored: 0, at: Date.now() };
    return;
  }
  const key = JSON.stringify(state);
  const sliding = state.range !== 'all' && state.range !== 'custom';
  const moved = sliding && Date.now() - drawn.at > SLIDE_MS;
  if (!force && key === drawn.key && summary.stored_events === drawn.stored && !moved) return;
  const offset = -new Date().getTimezoneOffset();
  const [series, byModel, byType] = await Promise.all([
    api(`/api/series?${query}&utc_offset=${offset}`),
    api(`/api/breakdown?${query}&by=model`),
    api(`/api/breakdown?${query}&by=task_type`),
  ]);
  data = { summary, series, byModel, byType, state };
  fillModels(summary.models);
  draw();
  await loadTasks(state, query, summary.totals.tasks, clearFiltersButton());
  await loadPrediction();
  drawn = { key, stored: summary.stored_events, at: Date.now() };
  document.body.dataset.ready = 'true';
}

/** A failed refresh: the server refused (shown in the status line) or is unreachable (stale). */
function showError(error) {
  if (error instanceof ApiError) {
    $('status').textContent = `error: ${error.message}`;
    return;
  }
  downSince ??= new Date();
  document.body.classList.add('is-stale');
  const banner = $('stale');
  banner.hidden = false;
  banner.textContent = lastGood
    ? `Cannot reach the devserver since ${time(downSince)}. The numbers below are from ${time(lastGood)} and may be out of date; retrying every 2 s.`
    : 'Cannot reach the devserver; retrying every 2 s.';
  $('status').textContent = `offline · last update ${lastGood ? time(lastGood) : 'never'}`;
}

const update = (changes) => {
  writeState(changes);
  syncControls(readState());
  refresh(true).catch(showError);
};

function clearFilters() {
  update({ ...Object.fromEntries(FILTERS.map((f) => [f, ''])), page: '0' });
}

/** A datetime-local value `ms` before now. */
const localInput = (ms) => {
  const d = new Date(Date.now() - ms);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

function wire() {
  $('range').addEventListener('change', (event) => {
    const range = event.target.value;
    const state = readState();
    if (range === 'custom') {
      update({
        range,
        from: state.from ?? localInput(86_400_000),
        to: state.to ?? localInput(0),
        page: '0',
      });
    } else update({ range, page: '0' });
  });
  for (const id of ['range-from', 'range-to']) {
    $(id).addEventListener('change', (event) =>
      update({ [event.target.name]: event.target.value, page: '0' }),
    );
  }
  $('filters').addEventListener('change', (event) => {
    if (event.target.name) update({ [event.target.name]: event.target.value, page: '0' });
  });
  $('clear-filters').addEventListener('click', clearFilters);
  $('metric').addEventListener('change', (event) => {
    writeState({ metric: event.target.value });
    if (data) data.state = readState();
    draw();
  });
  for (const th of $('task-table').tHead.rows[0].cells) {
    th.querySelector('button').addEventListener('click', () =>
      update({ ...nextSort(readState(), th.dataset.sort), page: '0' }),
    );
  }
  $('older').addEventListener('click', () =>
    update({ page: String(Number(readState().page) + 1) }),
  );
  $('newer').addEventListener('click', () =>
    update({ page: String(Math.max(0, Number(readState().page) - 1)) }),
  );
  window.addEventListener('popstate', () => {
    syncControls(readState());
    refresh(true).catch(showError);
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', draw);
  $('auth').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, $('auth-key').value.trim());
    $('auth').hidden = true;
    refresh(true).catch(showError);
  });
}

function start() {
  fillSelect($('p-task-type'), Object.values(TaskType));
  fillSelect($('p-provider'), Object.values(Provider));
  fillSelect($('p-complexity'), Object.values(Complexity));
  $('p-complexity').value = Complexity.MEDIUM;
  fillSelect($('f-task-type'), Object.values(TaskType), 'any');
  fillSelect($('f-provider'), Object.values(Provider), 'any');
  fillSelect($('f-complexity'), Object.values(Complexity), 'any');
  fillSelect($('f-harness'), Object.values(Harness), 'any');
  fillSelect($('f-outcome'), Object.values(Outcome), 'any');
  fillSelect($('f-model'), [], 'any');
  syncControls(readState());
  wire();
  initPredictionPanel(showError);
  const tick = () => {
    refresh()
      .catch(showError)
      .finally(() => setTimeout(tick, POLL_MS));
  };
  tick();
}

start();
