import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  API_GLOBAL_KEY,
  appApiVersion,
  ownApiVersion,
  registeredGlobal,
} from '../../src/registration/api-global-registry.js';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

describe('appApiVersion', () => {
  describe('appApiVersion', () => {
    it("reads the version of the @opentelemetry/api the directory's node would load", () => {
      expect(appApiVersion(PACKAGE_DIR)).toMatch(/^1\.9\.\d+$/);
    });

    it('finds the package.json above the entry file, as in the 1.10 layout (dist/)', () => {
      const dir = mkdtempSync(join(tmpdir(), 'mosaic-app-api-'));
      try {
        const api = join(dir, 'node_modules/@opentelemetry/api');
        mkdirSync(join(api, 'dist'), { recursive: true });
        writeFileSync(join(api, 'dist/index.cjs'), '');
        writeFileSync(
          join(api, 'package.json'),
          JSON.stringify({ name: '@opentelemetry/api', version: '1.10.7', main: 'dist/index.cjs' }),
        );
        expect(appApiVersion(dir)).toBe('1.10.7');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('ownApiVersion', () => {
  describe('ownApiVersion', () => {
    it('learns the version of the API copy this package imports and leaves no registry', () => {
      expect(ownApiVersion()).toMatch(/^1\.9\.\d+$/);
      expect((globalThis as Record<symbol, unknown>)[API_GLOBAL_KEY]).toBeUndefined();
      expect(registeredGlobal('diag')).toBeUndefined();
    });
  });
});
