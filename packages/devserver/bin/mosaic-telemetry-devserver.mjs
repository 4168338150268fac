#!/usr/bin/env node
// Committed launcher of the built CLI, so the bin is linked at install time, before the build.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.mjs', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'mosaic-telemetry-devserver: the package is not built yet (no dist/cli.mjs): run `pnpm build` first\n',
  );
  process.exit(1);
}
await import(cli.href);
