// What each compat lane's stage.mjs does to run outside the repository: copy the lane's own files,
// and the BUILT @mosaicstack packages as `vendor/` copies, so nothing resolves from the main
// workspace's node_modules.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** Copies `files` of the lane folder `laneDir` to `target`; the lockfile may not exist yet. */
export function copyLaneFiles(laneDir, target, files) {
  for (const file of files) {
    try {
      cpSync(join(laneDir, file), join(target, file), { recursive: true });
    } catch (error) {
      if (file !== 'pnpm-lock.yaml') throw error; // the lockfile is made on the first install
    }
  }
}

/** Copies the built packages `names` (e.g. `exporter`) to `target/vendor/telemetry-<name>`. */
export function vendorPackages(target, names) {
  for (const pkg of names) {
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
}
