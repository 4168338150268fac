// Prints the CLI lane's results (one JSON per run, written by lane.mjs) as one table.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const rows = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
const header = [
  'cli',
  'version',
  'scenario',
  'exit',
  'received (spans/logs/points)',
  'expected',
  'stored',
  'result',
];
const line = (r) => {
  const e = r.expected;
  // The tools scenario also checks cost (USD micros), gates (run, failed) and language.
  const tools = r.scenario === 'tools';
  const more = (cost, run, failed, language) =>
    tools
      ? ` ${cost}µ$ gates ${run?.join('+') || '-'} failed ${failed?.join('+') || '-'} ${language}`
      : '';
  const expected = e
    ? e.events === '0 or 1'
      ? `no event, or ${e.input}/${e.output} ${e.model} ${e.outcome}`
      : `${e.input}/${e.output} ${e.model} ${e.outcome}${more(e.costMicros, e.gatesRun, e.gatesFailed, e.language)}`
    : '-';
  const stored =
    (r.stored ?? [])
      .map(
        (s) =>
          `${s.input}/${s.output} ${s.model} ${s.outcome}${more(s.cost_usd_micros, s.gates_run, s.gates_failed, s.language)}`,
      )
      .join(', ') || 'no event';
  const received = r.received
    ? `${r.received.spans}/${r.received.logRecords}/${r.received.dataPoints}`
    : '-';
  return [
    r.cli,
    r.version ?? '-',
    r.scenario,
    String(r.exit ?? '-'),
    received,
    expected,
    stored,
    r.pass ? 'ok' : `FAIL: ${(r.problems ?? []).join('; ')}`,
  ];
};
const table = [header, ...rows.map(line)];
const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)));
for (const r of table) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
