// Stages the Next.js lane in a directory outside the repository (`node stage.mjs <dir>`): the app
// of examples/nextjs, this lane's package.json and lockfile, and the BUILT @mosaicstack packages
// as `vendor/` copies, so nothing resolves from the main workspace's node_modules.
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyLaneFiles, vendorPackages } from '../lib/stage-lane.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..', '..');
const target = process.argv[2];
if (target === undefined) throw new Error('usage: node stage.mjs <dir>');

mkdirSync(target, { recursive: true });
cpSync(join(repo, 'examples', 'nextjs'), target, {
  recursive: true,
  filter: (src) => !/[\\/](node_modules|\.next)([\\/]|$)/.test(src),
});
copyLaneFiles(here, target, ['package.json', 'pnpm-lock.yaml']);
vendorPackages(target, ['exporter', 'semconv']);
