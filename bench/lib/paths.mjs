// Where the built packages live: every benchmark runs against packages/*/dist, never the sources.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = (pkg, file = 'index.mjs') =>
  new URL(`../../packages/${pkg}/dist/${file}`, import.meta.url);

export const EXPORTER_DIST = dist('exporter');
export const EXPORTER_REGISTER_DIST = dist('exporter', 'register.mjs');
export const SEMCONV_DIST = dist('semconv');
export const DEVSERVER_DIST = dist('devserver');

/** Whether a built file exists (the register entry may not be built yet). */
export const isBuilt = (url) => existsSync(fileURLToPath(url));

/** Imports the built exporter, or fails saying to build first. */
export async function importExporter() {
  if (!isBuilt(EXPORTER_DIST)) throw new Error('packages/exporter/dist missing: run `pnpm build`');
  return import(EXPORTER_DIST.href);
}
