import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { defaultExportMode } from '../../src/config/read-export-mode.js';
import { resolveConfig } from '../../src/config/resolve-config.js';

// The BUILT entry (dist/register.mjs), run as users run it: `pnpm test` builds first.
const REGISTER = fileURLToPath(new URL('../../dist/register.mjs', import.meta.url));
const SERVER = fileURLToPath(new URL('../fixtures/register/next-like-server.mjs', import.meta.url));

describe('a Next.js CLI process', () => {
  describe('defaultExportMode', () => {
    const modeFor = (script: string, env: Record<string, string> = {}) =>
      defaultExportMode(env, ['/usr/bin/node', script]);

    it('is immediate for the scripts `next start`, `next dev` and npm/pnpm run', () => {
      for (const script of [
        '/app/node_modules/next/dist/bin/next',
        '/app/node_modules/.bin/next',
        '/app/node_modules/.pnpm/next@16.4.6_react@19.3.1/node_modules/next/dist/bin/next',
        '/app/node_modules/.pnpm/next@16.4.6/node_modules/next/dist/server/lib/start-server.js',
        'C:\\app\\node_modules\\next\\dist\\bin\\next',
      ]) {
        expect(modeFor(script), script).toBe('immediate');
      }
    });

    it('is batch for other scripts, and the option or MOSAIC_TELEMETRY_EXPORT_MODE still win', () => {
      for (const script of [
        '/app/server.mjs',
        '/app/next.js',
        '/app/node_modules/nextra/dist/bin/nextra',
        '/app/node_modules/next/dist/bin/next-lint',
        '/usr/bin/pnpm',
      ]) {
        expect(modeFor(script), script).toBe('batch');
      }
      const script = process.argv[1];
      process.argv[1] = '/app/node_modules/next/dist/bin/next';
      try {
        expect(resolveConfig({}, {}).exportMode).toBe('immediate');
        expect(resolveConfig({}, { MOSAIC_TELEMETRY_EXPORT_MODE: 'batch' }).exportMode).toBe(
          'batch',
        );
        expect(resolveConfig({ exportMode: 'batch' }, {}).exportMode).toBe('batch');
      } finally {
        process.argv[1] = script as string;
      }
    });
  });

  describe('with the register entry (NODE_OPTIONS=--import, no code)', () => {
    let server: RecordingServer;
    let dir: string;

    beforeAll(() => {
      if (!existsSync(REGISTER)) {
        throw new Error(
          `${REGISTER} is missing: run pnpm --filter @mosaicstack/telemetry-exporter build`,
        );
      }
    });
    beforeEach(async () => {
      server = await startRecordingServer();
      dir = mkdtempSync(join(tmpdir(), 'mosaic-next-host-'));
    });
    afterEach(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** Runs `script` with the entry, sends SIGTERM 100 ms after READY; resolves the exit code. */
    function runAndTerminate(script: string): Promise<number | null> {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [script], {
          env: {
            PATH: process.env.PATH ?? '',
            NODE_OPTIONS: `--import ${REGISTER}`,
            MOSAIC_TELEMETRY_ENABLED: 'true',
            MOSAIC_TELEMETRY_SERVER_URL: server.url,
            MOSAIC_TELEMETRY_API_KEY: 'ab'.repeat(32),
            MOSAIC_TELEMETRY_INSTANCE_ID: '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b',
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          if (chunk.includes('READY')) setTimeout(() => child.kill('SIGTERM'), 100);
        });
        child.on('error', reject);
        child.on('close', (code) => resolve(code));
      });
    }

    const events = () =>
      server.requests.flatMap(
        (r) => (JSON.parse(r.body) as { events: Array<Record<string, unknown>> }).events,
      );

    it('delivers a task through a SIGTERM whose listener exits at once', async () => {
      // Where npm and pnpm put Next.js's CLI; the symlink keeps that path in process.argv[1].
      const bin = join(dir, 'node_modules', 'next', 'dist', 'bin');
      mkdirSync(bin, { recursive: true });
      symlinkSync(SERVER, join(bin, 'next'));

      expect(await runAndTerminate(join(bin, 'next'))).toBe(143);
      expect(events()).toHaveLength(1);
      expect(events()[0]).toMatchObject({
        task_type: 'implementation',
        model: 'claude-sonnet-4-5',
        provider: 'anthropic',
        actual_input_tokens: 4100,
        actual_output_tokens: 650,
      });
    });

    it('loses the task in batch mode under any other name (the control)', async () => {
      expect(await runAndTerminate(SERVER)).toBe(143);
      expect(events()).toHaveLength(0);
    });
  });
});
