// Stages this project in a directory outside the repository (`node stage.mjs <dir>`): its own
// files plus the BUILT @mosaicstack packages as `vendor/` copies. Outside the repo, nothing
// resolves from the main workspace's node_modules: the 2.x SDK there cannot leak into this lane.
import { fileURLToPath } from 'node:url';
import { copyLaneFiles, vendorPackages } from '../lib/stage-lane.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const target = process.argv[2];
if (target === undefined) throw new Error('usage: node stage.mjs <dir>');

copyLaneFiles(here, target, [
  'package.json',
  'pnpm-lock.yaml',
  '.npmrc',
  'vitest.config.mjs',
  'test',
]);
vendorPackages(target, ['exporter', 'semconv']);
