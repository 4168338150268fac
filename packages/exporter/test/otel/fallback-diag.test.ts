import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { type NodeRun, runNode } from '../support/run-node.js';

// Child processes, as users run them: what reaches a person's terminal (stderr) when no diag
// logger is set, when NodeSDK sets one, and with the register entry.
const DIR = fileURLToPath(new URL('../fixtures/diagnostics/', import.meta.url));
const REGISTER_DIR = fileURLToPath(new URL('../fixtures/register/', import.meta.url));
const REGISTER = fileURLToPath(new URL('../../dist/register.mjs', import.meta.url));
const API_KEY = 'ab'.repeat(32);
const INSTANCE_ID = '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b';

function run(args: string[], env: Record<string, string>, cwd = DIR): Promise<NodeRun> {
  return runNode(args, { cwd, env: { OTEL_LOGS_EXPORTER: 'none', ...env } });
}

const BAD = {
  MOSAIC_TELEMETRY_ENABLED: 'true',
  MOSAIC_TELEMETRY_SERVER_URL: 'http://telemetry.example.com',
  MOSAIC_TELEMETRY_API_KEY: 'abcdef0123',
};

describe('withFallback', () => {
  let server: RecordingServer;
  let good: Record<string, string>;
  beforeEach(async () => {
    server = await startRecordingServer();
    good = {
      MOSAIC_TELEMETRY_ENABLED: 'true',
      MOSAIC_TELEMETRY_SERVER_URL: server.url,
      MOSAIC_TELEMETRY_API_KEY: API_KEY,
      MOSAIC_TELEMETRY_INSTANCE_ID: INSTANCE_ID,
    };
  });
  afterEach(async () => {
    await server.close();
  });

  describe('with no diag logger set', () => {
    it('prints each config problem once on stderr, naming the variable and the fix', async () => {
      const result = await run(['processor-only.mjs'], BAD);
      expect(result.code).toBe(0);
      const lines = result.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(3);
      expect(lines.join('\n')).toContain('MOSAIC_TELEMETRY_ALLOW_INSECURE=true');
      expect(lines.join('\n')).toContain('apiKey: too short');
      expect(lines.join('\n')).toContain('MOSAIC_TELEMETRY_INSTANCE_ID');
      expect(result.stderr).not.toContain('abcdef0123');
    });

    it('prints nothing under OTEL_LOG_LEVEL=none', async () => {
      const result = await run(['processor-only.mjs'], { ...BAD, OTEL_LOG_LEVEL: 'none' });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
    });

    it('hints at debug level that telemetry is off although MOSAIC_TELEMETRY_* is set', async () => {
      const env = { MOSAIC_TELEMETRY_SERVER_URL: server.url };
      expect((await run(['processor-only.mjs'], env)).stderr).toBe('');
      const debug = await run(['processor-only.mjs'], { ...env, OTEL_LOG_LEVEL: 'debug' });
      expect(debug.stderr).toContain(
        'Mosaic telemetry is off although MOSAIC_TELEMETRY_SERVER_URL is set; set MOSAIC_TELEMETRY_ENABLED=true',
      );
    });
  });

  describe('with NodeSDK', () => {
    it("prints the config problems (through NodeSDK's logger once it has one) at OTEL_LOG_LEVEL=warn", async () => {
      const result = await run(['node-sdk-task.mjs'], { ...BAD, OTEL_LOG_LEVEL: 'warn' });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('apiKey: too short');
      expect(result.stderr.match(/apiKey: too short/g)).toHaveLength(1);
    });

    it('delivers and shuts down with no "shutdown MeterProvider" noise', async () => {
      const result = await run(['node-sdk-task.mjs'], {
        ...good,
        OTEL_LOG_LEVEL: 'warn',
        OTEL_METRICS_EXPORTER: 'console',
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('SHUTDOWN DONE');
      expect(result.stderr).not.toMatch(/shutdown MeterProvider/i);
      expect(server.requests).toHaveLength(1);
    });

    it("records the self-metrics on NodeSDK's MeterProvider", async () => {
      const result = await run(['node-sdk-task.mjs'], {
        ...good,
        OTEL_LOG_LEVEL: 'warn',
        OTEL_METRICS_EXPORTER: 'console',
        MOSAIC_TELEMETRY_EXPORT_MODE: 'immediate',
        WAIT_MS: '500',
      });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      // The console metric exporter printed them at shutdown.
      expect(result.stdout).toContain('mosaic.telemetry.events');
    });
  });

  describe('with the register entry', () => {
    it('prints each dry-run batch, key redacted, at the default level', async () => {
      const result = await run(
        ['--import', REGISTER, 'api-only-app.mjs'],
        { ...good, MOSAIC_TELEMETRY_DRY_RUN: '1' },
        REGISTER_DIR,
      );
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('dry run: POST');
      expect(result.stderr).toContain('Bearer [REDACTED]');
      expect(result.stderr).toContain('"task_type":"debugging"');
      expect(result.stderr).not.toContain(API_KEY);
      expect(server.requests).toHaveLength(0);
    });

    it('prints a refused batch (401) once, with what to check', async () => {
      server.respondWith(() => ({ status: 401, body: '{"detail":"bad key"}' }));
      const result = await run(['--import', REGISTER, 'api-only-app.mjs'], good, REGISTER_DIR);
      expect(result.code).toBe(0);
      expect(result.stderr.match(/server refused the batch \(401\)/g)).toHaveLength(1);
      expect(result.stderr).toContain('check that apiKey and instanceId belong together');
    });
  });
});
