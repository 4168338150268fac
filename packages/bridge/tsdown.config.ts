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
});
