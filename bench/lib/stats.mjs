// Small statistics and formatting helpers shared by the benchmarks.

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** `value` with `digits` decimals, or '-' for undefined. */
export const fmt = (value, digits = 1) =>
  value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);

/** Prints rows of equal-length string arrays as an aligned table. */
export function printTable(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/**
 * Hands summary rows to bench/run.mjs (over IPC when forked), so it can print one table at the
 * end. A row: { bench, metric, value, unit, baseline?, vs?, budget?, verdict? }.
 */
export function reportSummary(rows) {
  if (typeof process.send === 'function') process.send({ type: 'summary', rows });
}
