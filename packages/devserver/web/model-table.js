// The per-model table: what Mosaic predicts from, per provider/model (GET /api/breakdown?by=model).
import { groupLabel } from './charts.js';
import { $, duration, el, factor, number, percent, usd } from './dom.js';

export function renderModelTable(breakdown) {
  const rows = [...breakdown.groups]
    .sort((a, b) => b.tasks - a.tasks)
    .map((g) => {
      const tr = el('tr');
      const f = g.correction_factors;
      tr.append(
        el('td', groupLabel(g), 'model'),
        el('td', number(g.tasks), 'num'),
        el('td', percent(g.success_rate), 'num'),
        el('td', percent(g.gate_pass_rate), 'num'),
        el('td', duration(g.duration_ms.p50), 'num'),
        el('td', duration(g.duration_ms.p95), 'num'),
        el(
          'td',
          f.input === null && f.output === null
            ? '–'
            : `${factor(f.input)} in · ${factor(f.output)} out`,
          'num',
        ),
        el('td', usd(g.cost_usd_micros), 'num'),
      );
      tr.cells[0].title = groupLabel(g);
      return tr;
    });
  if (breakdown.other) {
    const tr = el('tr', undefined, 'muted');
    const cell = el('td', `${number(breakdown.other.tasks)} more tasks of other models`);
    cell.colSpan = 8;
    tr.append(cell);
    rows.push(tr);
  }
  if (rows.length === 0) {
    const tr = el('tr');
    const cell = el('td', 'No tasks in this range and filter.', 'muted');
    cell.colSpan = 8;
    tr.append(cell);
    rows.push(tr);
  }
  $('model-table').tBodies[0].replaceChildren(...rows);
}
