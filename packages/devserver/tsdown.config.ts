import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  platform: 'node',
  // A loaded machine makes plugins look slow: no build-time timing warnings in a user's terminal.
  checks: { pluginTimings: false },
  target: 'node20',
  shims: true,
  // The web view's charting library, vendored from the pinned devDependency: served from the
  // package itself, never from a CDN.
  copy: [{ from: 'node_modules/chart.js/dist/chart.umd.min.js', to: 'dist/vendor' }],
});
