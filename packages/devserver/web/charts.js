// The Chart.js canvases, drawn from the series and breakdown routes in the theme's colours.
import { $, factor, number, percent, usd } from './dom.js';

/** Bars a per-group chart shows one by one; the rest are summed into "other". */
const TOP = 10;
const BAR_PX = 26;

const charts = {};

/** The colours of the current theme (light or dark), read from the stylesheet. */
export function theme() {
  const css = getComputedStyle(document.documentElement);
  const v = (name) => css.getPropertyValue(name).trim();
  return {
    ink: v('--ink'),
    muted: v('--muted'),
    line: v('--line'),
    input: v('--c-input'),
    output: v('--c-output'),
    cost: v('--c-cost'),
    success: v('--c-success'),
    gates: v('--c-gates'),
  };
}

function draw(id, config) {
  if (typeof Chart === 'undefined') return;
  const colours = theme();
  Chart.defaults.color = colours.muted;
  Chart.defaults.borderColor = colours.line;
  charts[id]?.destroy();
  charts[id] = new Chart($(id), {
    ...config,
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      ...config.options,
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12, color: colours.ink } },
        ...config.options?.plugins,
      },
    },
  });
}

const SLOT_MS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };
/** Most points drawn after the empty slots between the first and last are filled in. */
const MAX_SLOTS = 2_000;

/** The series with a zero point for every empty slot between its first and last, so time reads evenly. */
function withEmptySlots(series) {
  const step = SLOT_MS[series.grain];
  const points = series.points;
  if (points.length < 2) return points;
  const first = Date.parse(points[0].start);
  const slots = Math.round((Date.parse(points.at(-1).start) - first) / step) + 1;
  if (slots > MAX_SLOTS) return points;
  const byStart = new Map(points.map((p) => [Date.parse(p.start), p]));
  return Array.from({ length: slots }, (_, i) => {
    const start = first + i * step;
    return (
      byStart.get(start) ?? {
        start: new Date(start).toISOString(),
        tasks: 0,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd_micros: 0,
      }
    );
  });
}

const SLOT_FORMAT = {
  hour: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' },
  day: { month: 'short', day: 'numeric' },
  week: { year: 'numeric', month: 'short', day: 'numeric' },
};

/** Tokens (stacked bars, left axis) and cost (line, right axis) per hour, day or week. */
export function renderTimeChart(series) {
  const colours = theme();
  const label = (p) => {
    const text = new Date(p.start).toLocaleString([], SLOT_FORMAT[series.grain]);
    return series.grain === 'week' ? `week of ${text}` : text;
  };
  $('time-caption').textContent = `Tokens and cost per ${series.grain}`;
  const points = withEmptySlots(series);
  draw('chart-time', {
    data: {
      labels: points.map(label),
      datasets: [
        {
          type: 'line',
          label: 'cost (USD)',
          data: points.map((p) => p.cost_usd_micros / 1e6),
          yAxisID: 'cost',
          borderColor: colours.cost,
          backgroundColor: colours.cost,
          pointRadius: points.length > 60 ? 0 : 2,
        },
        {
          type: 'bar',
          label: 'input tokens',
          data: points.map((p) => p.input_tokens),
          yAxisID: 'tokens',
          backgroundColor: colours.input,
          stack: 'tokens',
        },
        {
          type: 'bar',
          label: 'output tokens',
          data: points.map((p) => p.output_tokens),
          yAxisID: 'tokens',
          backgroundColor: colours.output,
          stack: 'tokens',
        },
      ],
    },
    options: {
      scales: {
        x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 12 } },
        tokens: {
          type: 'linear',
          position: 'left',
          stacked: true,
          beginAtZero: true,
          ticks: { callback: (v) => compact(v) },
        },
        cost: {
          type: 'linear',
          position: 'right',
          beginAtZero: true,
          suggestedMax: 0.01,
          grid: { drawOnChartArea: false },
          ticks: { callback: (v) => `$${v}` },
        },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: (item) =>
              item.dataset.yAxisID === 'cost'
                ? `cost ${usd(Math.round(item.raw * 1e6))}`
                : `${item.dataset.label} ${number(item.raw)}`,
          },
        },
      },
    },
  });
}

const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact' });
const compact = (v) => compactFormat.format(v);

/** The label of a breakdown group: `provider/model` or the task type. */
export const groupLabel = (g) => (g.model !== undefined ? `${g.provider}/${g.model}` : g.task_type);

/** What the per-group charts measure. */
export const METRICS = {
  cost: { value: (g) => g.cost_usd_micros / 1e6, format: (v) => usd(Math.round(v * 1e6)) },
  tokens: { value: (g) => g.input_tokens + g.output_tokens, format: (v) => number(v) },
  tasks: { value: (g) => g.tasks, format: (v) => number(v) },
};

/** The first TOP groups by `value` and, when more, one "other" bar for the rest (and `rest`, what the server summed). */
function topGroups(groups, rest, value) {
  const sorted = [...groups].sort((a, b) => value(b) - value(a));
  const shown = sorted.slice(0, TOP);
  const others = sorted.slice(TOP);
  const otherCount = others.length + (rest ? 1 : 0);
  if (otherCount > 0) {
    const otherValue = others.reduce((sum, g) => sum + value(g), rest ? value(rest) : 0);
    shown.push({ label: `other (${others.length}${rest ? '+' : ''})`, value: otherValue });
  }
  return shown.map((g) => (g.label ? g : { label: groupLabel(g), value: value(g) }));
}

/** Shortens a label to what fits a chart of `width` px beside its bars; the tooltip keeps it whole. */
function fitLabel(label, width) {
  const max = Math.max(10, Math.floor((width * 0.45) / 6.5));
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

function sizeBox(boxId, bars, datasets = 1) {
  $(boxId).style.height = `${Math.max(120, 48 + bars * BAR_PX * Math.max(1, datasets * 0.75))}px`;
}

/** Horizontal bars of one measure per group, sorted by value, top N and "other". */
export function renderBars(id, boxId, breakdown, metricName) {
  const metric = METRICS[metricName];
  const bars = topGroups(breakdown.groups, breakdown.other, metric.value);
  const colours = theme();
  sizeBox(boxId, bars.length);
  draw(id, {
    type: 'bar',
    data: {
      labels: bars.map((b) => b.label),
      datasets: [
        {
          label: metricName,
          data: bars.map((b) => b.value),
          backgroundColor: metricName === 'cost' ? colours.cost : colours.input,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      interaction: { mode: 'nearest', axis: 'y', intersect: false },
      scales: {
        x: {
          beginAtZero: true,
          ticks: { callback: (v) => (metricName === 'cost' ? `$${v}` : compact(v)) },
        },
        y: { ticks: { autoSkip: false, callback: yLabel } },
      },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (item) => metric.format(item.raw) } },
      },
    },
  });
}

function yLabel(value) {
  return fitLabel(this.getLabelForValue(value), this.chart.width);
}

/** The groups with the most tasks, at most TOP: the per-model rate and factor charts. */
const busiest = (groups) => [...groups].sort((a, b) => b.tasks - a.tasks).slice(0, TOP);

/** Success rate and gate pass rate per model (most tasks first), 0-100 %. */
export function renderRates(breakdown) {
  const groups = busiest(breakdown.groups);
  const colours = theme();
  sizeBox('box-rates', groups.length, 2);
  draw('chart-rates', {
    type: 'bar',
    data: {
      labels: groups.map(groupLabel),
      datasets: [
        {
          label: 'success rate',
          data: groups.map((g) => g.success_rate * 100),
          backgroundColor: colours.success,
        },
        {
          label: 'gate pass rate',
          data: groups.map((g) => g.gate_pass_rate * 100),
          backgroundColor: colours.gates,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      scales: {
        x: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } },
        y: { ticks: { autoSkip: false, callback: yLabel } },
      },
      plugins: {
        tooltip: {
          callbacks: { label: (item) => `${item.dataset.label} ${percent(item.raw / 100)}` },
        },
      },
    },
  });
}

/** Actual ÷ estimated tokens per model where estimates exist: above 1, the estimates ran short. */
export function renderFactor(breakdown) {
  const groups = busiest(
    breakdown.groups.filter(
      (g) => g.correction_factors.input !== null || g.correction_factors.output !== null,
    ),
  );
  $('factor-empty').hidden = groups.length > 0;
  $('box-factor').hidden = groups.length === 0;
  const colours = theme();
  sizeBox('box-factor', groups.length, 2);
  draw('chart-factor', {
    type: 'bar',
    data: {
      labels: groups.map(groupLabel),
      datasets: [
        {
          label: 'input',
          data: groups.map((g) => g.correction_factors.input),
          backgroundColor: colours.input,
        },
        {
          label: 'output',
          data: groups.map((g) => g.correction_factors.output),
          backgroundColor: colours.output,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      scales: {
        x: { beginAtZero: true, suggestedMax: 1.5, ticks: { callback: (v) => `×${v}` } },
        y: { ticks: { autoSkip: false, callback: yLabel } },
      },
      plugins: {
        tooltip: { callbacks: { label: (item) => `${item.dataset.label} ${factor(item.raw)}` } },
      },
    },
  });
}
