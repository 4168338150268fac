// The devserver's web view: reads the JSON routes, renders with DOM text nodes only (model names
// and other values come from clients: never parsed as HTML) and Chart.js canvases; polls for news.
import { renderSummary } from './charts.js';
import { $, api, fillSelect, KEY_STORAGE, number, showError } from './dom.js';
import { loadPrediction } from './prediction-panel.js';
import { loadTasks, onFirstPage } from './task-table.js';

const POLL_MS = 2000;
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

let seen = -1;

async function refresh(force = false) {
  const summary = await api('/api/summary');
  $('status').textContent =
    `${number.format(summary.stored_events)} tasks stored · updated ${new Date().toLocaleTimeString()}`;
  if (!force && summary.stored_events === seen) return;
  seen = summary.stored_events;
  renderSummary(summary);
  if (onFirstPage()) await loadTasks();
  await loadPrediction();
}

$('auth').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY_STORAGE, $('auth-key').value.trim());
  $('auth').hidden = true;
  refresh(true).catch(showError);
});

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

start();
