// The predictions panel: four dimensions in, p10-p90 bars and facts out (GET /api/predictions).
import { $, api, duration, el, number, usd } from './dom.js';

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
  const numbers = [d.p10, d.p25, d.median, d.p75, d.p90].map((v) => number(v));
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
    fact('samples', number(m.sample_size), 'sample_size'),
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
    fact('median duration', duration(p.duration_ms.median), 'median_duration'),
    fact('median input tokens', number(p.input_tokens.median), 'median_input'),
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

export async function loadPrediction() {
  if (!predictionQuery) return;
  renderPrediction(await api(`/api/predictions?${new URLSearchParams(predictionQuery)}`));
}

/** Wires the form; `onError` shows a failed request. */
export function initPredictionPanel(onError) {
  $('prediction-form').addEventListener('submit', (event) => {
    event.preventDefault();
    predictionQuery = Object.fromEntries(new FormData(event.target));
    loadPrediction().catch(onError);
  });
}
