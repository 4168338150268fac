// (f) The register entry's cost on the OTel API calls an app makes all the time, with telemetry
// on: ns per `context.active()` and per non-task span (start + end, under an active span) in
// child processes, against the same app with its own SDK provider and no entry (same run).
// - entry, API-only app: our provider and context manager are served through the API's global
//   registry (a Proxy over it), so every global lookup goes through its trap;
// - entry, then the app registers its own provider: the hook steps out of the way.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EXPORTER_REGISTER_DIST, isBuilt } from './lib/paths.mjs';
import { fmt, median, printTable, reportSummary } from './lib/stats.mjs';

const REPS = Number(process.env.BENCH_REGISTER_REPS ?? 7);
const CHILD = fileURLToPath(new URL('./lib/register-child.mjs', import.meta.url));
const REGISTER = fileURLToPath(EXPORTER_REGISTER_DIST);
if (!isBuilt(EXPORTER_REGISTER_DIST))
  throw new Error('packages/exporter/dist missing: run `pnpm build`');

const ON = {
  MOSAIC_TELEMETRY_ENABLED: 'true',
  // Never contacted: no task span is made.
  MOSAIC_TELEMETRY_SERVER_URL: 'http://127.0.0.1:9',
  MOSAIC_TELEMETRY_API_KEY: 'ab'.repeat(32),
  MOSAIC_TELEMETRY_INSTANCE_ID: '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b',
};
const VARIANTS = [
  { name: 'app provider, no entry (baseline)', args: [], env: { APP_PROVIDER: '1' } },
  { name: 'entry, API-only app (served)', args: ['--import', REGISTER], env: ON },
  {
    name: 'entry, then app provider',
    args: ['--import', REGISTER],
    env: { ...ON, APP_PROVIDER: '1' },
  },
];

function sample(variant) {
  const result = spawnSync(process.execPath, [...variant.args, CHILD], {
    env: { PATH: process.env.PATH ?? '', ...variant.env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${variant.name} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

const samples = VARIANTS.map(() => []);
for (let r = 0; r < REPS; r++) {
  // Interleaved, so drift on a shared machine hits every variant alike.
  for (const [i, variant] of VARIANTS.entries()) samples[i].push(sample(variant));
}
const stat = (i, key) => median(samples[i].map((s) => s[key]));
const rows = [];
const table = [];
for (const key of ['contextActive', 'spanStartEnd']) {
  const base = stat(0, key);
  VARIANTS.forEach((variant, i) => {
    const value = stat(i, key);
    table.push([key, variant.name, fmt(value, 0), i === 0 ? '' : `${fmt(value / base, 2)}x`]);
    if (i > 0) {
      rows.push({
        bench: 'f register',
        metric: `${key === 'contextActive' ? 'context.active()' : 'span start+end'}: ${variant.name}`,
        value: `${fmt(value, 0)} ns`,
        baseline: `${fmt(base, 0)} ns`,
        vs: `${fmt(value / base, 2)}x`,
        budget: '',
        verdict: '',
      });
    }
  });
}
printTable(['call', 'variant', 'ns/op (median)', 'vs baseline'], table);
reportSummary(rows);
