// The three Chart.js canvases and the totals cards, drawn from GET /api/summary.
import { $, number, usd } from './dom.js';

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

export function renderSummary(summary) {
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
