import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordingServer,
  startRecordingServer,
  testConfig,
} from './support/recording-server.js';

// The register entry on Node 24 with api 1.10, whose ES module and CommonJS builds load as two
// copies: the task (ES module build) and the model call inside it (CommonJS build) must both
// reach our processor, whichever build of the entry runs.
const APP = fileURLToPath(new URL('./fixtures/dual-build-app.mjs', import.meta.url));
const REGISTER_MJS = fileURLToPath(import.meta.resolve('@mosaicstack/telemetry-exporter/register'));
const REGISTER_CJS = REGISTER_MJS.replace(/\.mjs$/, '.cjs');

describe('the register entry with api 1.10 loaded as both builds', () => {
  let server: RecordingServer;
  beforeEach(async () => {
    server = await startRecordingServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it.each([
    ['--import', REGISTER_MJS],
    ['--require', REGISTER_CJS],
  ])('delivers the task with the model call folded in (%s)', async (flag, entry) => {
    const config = testConfig(server.url);
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [flag, entry, APP], {
          env: {
            PATH: process.env.PATH ?? '',
            MOSAIC_TELEMETRY_ENABLED: 'true',
            MOSAIC_TELEMETRY_SERVER_URL: config.serverUrl,
            MOSAIC_TELEMETRY_API_KEY: config.apiKey,
            MOSAIC_TELEMETRY_INSTANCE_ID: config.instanceId,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          stdout += c;
        });
        child.stderr.setEncoding('utf8').on('data', (c: string) => {
          stderr += c;
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      },
    );

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('REPORT {"recording":true}');
    expect(server.events()).toHaveLength(1);
    expect(server.events()[0]).toMatchObject({
      task_type: 'debugging',
      model: 'claude-sonnet-4',
      actual_input_tokens: 1200,
      actual_output_tokens: 300,
    });
  });
});
