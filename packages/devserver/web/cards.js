// The totals cards of the range and filters (GET /api/summary).
import { $, duration, number, percent, usd } from './dom.js';

export function renderCards(totals) {
  $('card-tasks').textContent = number(totals.tasks);
  $('card-success').textContent = percent(totals.success_rate);
  $('card-gates').textContent = percent(totals.gate_pass_rate);
  $('card-tokens').textContent = number(totals.input_tokens + totals.output_tokens);
  $('card-tokens-split').textContent =
    `${number(totals.input_tokens)} in · ${number(totals.output_tokens)} out`;
  $('card-cost').textContent = usd(totals.cost_usd_micros);
  $('card-duration').textContent =
    totals.tasks === 0
      ? '–'
      : `${duration(totals.duration_ms.p50)} / ${duration(totals.duration_ms.p95)}`;
}
