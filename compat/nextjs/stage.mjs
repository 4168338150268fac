// Stages the Next.js lane in a directory outside the repository (`node stage.mjs <dir>`): the app
// of examples/nextjs, this lane's package.json and lockfile, and the BUILT @mosaicstack packages
// as `vendor/` copies, so nothing resolves from the main workspace's node_modules.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..', '..');
const target = process.argv[2];
if (target === undefined) throw new Error('usage: node stage.mjs <dir>');

mkdirSync(target, { recursive: true });
cpSync(join(repo, 'examples', 'nextjs'), target, {
  recursive: true,
  filter: (src) => !/[\\/](node_modules|\.next)([\\/]|$)/.test(src),
});
for (const file of ['package.json', 'pnpm-lock.yaml']) {
  try {
    cpSync(join(here, file), join(target, file));
  } catch (error) {
    if (file !== 'pnpm-lock.yaml') throw error; // the lockfile is made on the first install
  }
}
for (const pkg of ['exporter', 'semconv']) {
  const from = join(repo, 'packages', pkg);
  const to = join(target, 'vendor', `telemetry-${pkg}`);
  mkdirSync(to, { recursive: true });
  cpSync(join(from, 'dist'), join(to, 'dist'), { recursive: true });
  // What a published package.json says: no workspace protocol, no dev dependencies.
  const manifest = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
  delete manifest.devDependencies;
  delete manifest.scripts;
  delete manifest.dependencies;
  writeFileSync(join(to, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}
