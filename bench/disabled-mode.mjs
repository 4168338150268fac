// (d) Disabled mode: what importing the package and the register entry costs with telemetry off
// (child processes vs a bare `node -e ""`), proof that no OTel SDK module is loaded and nothing is
// left running, and the per-span cost of the disabled (no-op) processor vs no processor.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { EXPORTER_DIST, EXPORTER_REGISTER_DIST, importExporter, isBuilt } from './lib/paths.mjs';
import { ORDINARY_ATTRIBUTES } from './lib/spans.mjs';
import { fmt, median, printTable, reportSummary } from './lib/stats.mjs';

const IMPORT_REPS = Number(process.env.BENCH_IMPORT_REPS ?? 15);
const SPAN_REPS = Number(process.env.BENCH_DISABLED_SPAN_REPS ?? 15);
const SPANS_PER_REP = 20_000;

/** The environment of a process where telemetry was never switched on. */
function offEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('MOSAIC_TELEMETRY_') || key === 'OTEL_SDK_DISABLED') delete env[key];
  }
  return env;
}

function timeNode(args, env) {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return ms;
}

function importCosts(env) {
  const variants = [
    { name: 'node -e "" (baseline)', args: ['-e', ''] },
    {
      name: 'import @opentelemetry/api alone (for scale)',
      args: ['-e', `import(${JSON.stringify(import.meta.resolve('@opentelemetry/api'))})`],
    },
    {
      name: 'import @mosaicstack/telemetry-exporter',
      args: ['-e', `import(${JSON.stringify(EXPORTER_DIST.href)})`],
    },
  ];
  if (isBuilt(EXPORTER_REGISTER_DIST)) {
    variants.push(
      {
        name: 'node --import <empty module> (baseline of --import)',
        args: ['--import', 'data:text/javascript,', '-e', ''],
        baseline: true,
      },
      {
        name: 'node --import @mosaicstack/telemetry-exporter/register',
        args: ['--import', EXPORTER_REGISTER_DIST.href, '-e', ''],
        vs: 'node --import <empty module> (baseline of --import)',
      },
    );
  }
  for (const v of variants) {
    v.samples = [];
    timeNode(v.args, env); // warm the file cache
  }
  for (let rep = 0; rep < IMPORT_REPS; rep++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(rep + k) % variants.length];
      v.samples.push(timeNode(v.args, env));
    }
  }
  return variants;
}

function loadedModules(env, entry, mode) {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-bench-loads-'));
  const file = join(dir, 'loads.txt');
  try {
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        new URL('./lib/record-loads.mjs', import.meta.url).href,
        fileURLToPath(new URL('./lib/list-modules.mjs', import.meta.url)),
        entry.href,
        mode,
      ],
      { env: { ...env, BENCH_LOADS_FILE: file }, encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`listing modules failed: ${result.stderr}`);
    const { esm, cjs, newResources } = JSON.parse(result.stdout);
    const all = [...new Set([...esm, ...cjs.map((p) => `file://${p}`)])];
    const otel = [
      ...new Set(
        all
          .map(
            (u) =>
              /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(@opentelemetry\/[^/]+)/.exec(
                u,
              )?.[1],
          )
          .filter(Boolean),
      ),
    ];
    const ours = all
      .filter((u) => u.includes('/packages/'))
      .map((u) => u.replace(/^.*\/packages\//, ''));
    return {
      count: all.length,
      otel,
      ours,
      sdk: otel.filter((m) => m.startsWith('@opentelemetry/sdk-')),
      newResources,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function perSpanCosts() {
  const { createMosaicSpanProcessor } = await importExporter();
  const disabled = createMosaicSpanProcessor();
  const variants = [
    { name: 'no processor', processors: [] },
    { name: 'disabled createMosaicSpanProcessor()', processors: [disabled] },
  ];
  for (const v of variants) {
    v.tracer = new BasicTracerProvider({ spanProcessors: v.processors }).getTracer('bench');
    v.samples = [];
  }
  const run = (v) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < SPANS_PER_REP; i++) {
      v.tracer.startSpan('GET /items', { attributes: ORDINARY_ATTRIBUTES }).end();
    }
    return Number(process.hrtime.bigint() - t0) / SPANS_PER_REP;
  };
  for (const v of variants) run(v);
  for (let rep = 0; rep < SPAN_REPS; rep++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(rep + k) % variants.length];
      v.samples.push(run(v));
    }
  }
  return { variants, isNoop: disabled.constructor === Object };
}

async function main() {
  const env = offEnv();
  const imports = importCosts(env);
  const bare = median(imports[0].samples);
  const baselineOf = (v) =>
    v.vs === undefined ? bare : median(imports.find((b) => b.name === v.vs).samples);
  console.log(`\n(d) disabled mode: telemetry off (no MOSAIC_TELEMETRY_* in the environment)\n`);
  console.log(`import cost, ${IMPORT_REPS} interleaved child processes each (median wall ms):\n`);
  printTable(
    ['process', 'ms', 'min', 'vs bare'],
    imports.map((v) => [
      v.name,
      fmt(median(v.samples), 1),
      fmt(Math.min(...v.samples), 1),
      v === imports[0] ? '' : `+${fmt(median(v.samples) - baselineOf(v), 1)}`,
    ]),
  );

  const listings = [
    {
      name: 'import index + createMosaicSpanProcessor()',
      ...loadedModules(env, EXPORTER_DIST, 'create'),
    },
  ];
  if (isBuilt(EXPORTER_REGISTER_DIST)) {
    listings.push({
      name: 'import register entry',
      ...loadedModules(env, EXPORTER_REGISTER_DIST, 'import'),
    });
  }
  console.log('\nmodules loaded (ES + CommonJS) with telemetry off:\n');
  for (const l of listings) {
    console.log(`${l.name}: ${l.count} modules; ours: ${l.ours.join(', ')}`);
    console.log(
      `  @opentelemetry packages: ${l.otel.join(', ') || 'none'}; SDK packages: ${l.sdk.join(', ') || 'none'}`,
    );
    console.log(`  async resources left running: ${l.newResources.join(', ') || 'none'}`);
  }
  const noSdk = listings.every((l) => l.sdk.length === 0 && l.newResources.length === 0);

  const { variants } = await perSpanCosts();
  const none = median(variants[0].samples);
  const off = median(variants[1].samples);
  console.log(
    `\nper span through a real BasicTracerProvider (start + 5 attributes + end), ${SPAN_REPS} interleaved reps x ${SPANS_PER_REP} spans (median):\n`,
  );
  printTable(
    ['provider', 'ns/span', 'min'],
    variants.map((v) => [v.name, fmt(median(v.samples), 0), fmt(Math.min(...v.samples), 0)]),
  );
  console.log(
    `\ndisabled processor adds ${fmt(off - none, 0)} ns/span (noise of this measurement: tens of ns)`,
  );

  const rows = imports
    .slice(1)
    .filter((v) => !v.baseline)
    .map((v) => ({
      bench: 'd disabled',
      metric: `${v.name.replace(/^node /, '')} (off)`,
      value: `+${fmt(median(v.samples) - baselineOf(v), 1)} ms`,
      baseline: `${v.vs === undefined ? 'node -e ""' : 'node --import <empty>'} ${fmt(baselineOf(v), 1)} ms`,
      vs: '',
      budget: '',
      verdict: '',
    }));
  rows.push({
    bench: 'd disabled',
    metric: 'OTel SDK modules / timers / sockets when off',
    value: noSdk ? 'none' : 'FOUND',
    baseline: '',
    vs: '',
    budget: 'none',
    verdict: noSdk ? 'PASS' : 'MISS',
  });
  rows.push({
    bench: 'd disabled',
    metric: 'disabled processor per span',
    value: `${fmt(off - none, 0)} ns`,
    baseline: `no processor ${fmt(none, 0)} ns`,
    vs: '',
    budget: '',
    verdict: '',
  });
  reportSummary(rows);
}

await main();
