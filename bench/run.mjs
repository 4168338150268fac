// Runs every benchmark, each in a fresh process against the built packages (packages/*/dist), and
// prints one summary table at the end. `pnpm bench` builds first. Loopback only. Each benchmark
// can also run alone: `node bench/<name>.mjs`. Exit code 1 only when a benchmark fails to run;
// a budget missed is reported as MISS (timings on a shared machine are noisy).
import { fork } from 'node:child_process';
import { printTable } from './lib/stats.mjs';

const BENCHES = [
  ['processor-overhead.mjs', '(a) processor cost per span and per task'],
  ['export-cpu.mjs', '(b) CPU per exported task span'],
  ['devserver-throughput.mjs', '(c) end-to-end events/s into the devserver'],
  ['disabled-mode.mjs', '(d) disabled mode'],
  ['bridge-ingest.mjs', '(e) bridge ingest'],
  ['register-overhead.mjs', '(f) register entry on API calls'],
  ['fold-scaling.mjs', '(g) folding 100k calls of equal counts'],
  ['heap-in-flight.mjs', '(h) heap with 10,000 spans in flight'],
];
const only = process.argv.slice(2);

function runBench(file) {
  return new Promise((resolve) => {
    const rows = [];
    const child = fork(new URL(file, import.meta.url), [], { stdio: 'inherit' });
    child.on('message', (message) => {
      if (message?.type === 'summary') rows.push(...message.rows);
    });
    child.on('exit', (code) => resolve({ code, rows }));
  });
}

const started = performance.now();
const summary = [];
const failed = [];
for (const [file, title] of BENCHES) {
  if (only.length > 0 && !only.some((o) => file.startsWith(o))) continue;
  const t0 = performance.now();
  const { code, rows } = await runBench(file);
  console.log(`[${file}: ${((performance.now() - t0) / 1000).toFixed(1)} s]`);
  if (code !== 0) failed.push(`${title} (exit ${code})`);
  summary.push(...rows);
}

console.log(
  `\n=== summary (${process.version}, ${((performance.now() - started) / 1000).toFixed(0)} s) ===\n`,
);
printTable(
  ['bench', 'metric', 'value', 'baseline (same run)', 'vs baseline', 'budget', ''],
  summary.map((r) => [
    r.bench,
    r.metric,
    r.value,
    r.baseline ?? '',
    r.vs ?? '',
    r.budget ?? '',
    r.verdict ?? '',
  ]),
);
if (failed.length > 0) {
  console.log(`\nfailed to run: ${failed.join(', ')}`);
  process.exitCode = 1;
}
