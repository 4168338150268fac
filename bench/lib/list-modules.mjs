// Run by disabled-mode.mjs in a fresh process: imports an entry with telemetry off, then prints
// (as JSON) every module loaded, ES and CommonJS, and the async resources it left running.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [entry, mode] = process.argv.slice(2);
const resourcesBefore = process.getActiveResourcesInfo();
const mod = await import(entry);
if (mode === 'create') {
  // The one-line integration with nothing configured: must hand back the no-op processor.
  const processor = mod.createMosaicSpanProcessor();
  processor.onStart({ attributes: {} }, undefined);
  processor.onEnd({ attributes: {} });
}
await new Promise((resolve) => setImmediate(resolve));
const esm = readFileSync(process.env.BENCH_LOADS_FILE, 'utf8').split('\n').filter(Boolean);
const cjs = Object.keys(createRequire(import.meta.url).cache);
const resourcesAfter = process.getActiveResourcesInfo();
const extra = [...resourcesAfter];
for (const r of resourcesBefore) {
  const i = extra.indexOf(r);
  if (i >= 0) extra.splice(i, 1);
}
process.stdout.write(JSON.stringify({ esm, cjs, newResources: extra }));
