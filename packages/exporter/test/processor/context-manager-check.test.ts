import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { type NodeRun, runNode } from '../support/run-node.js';

// Child processes running the BUILT package (`pnpm test` builds first), as users run it: what
// reaches their terminal (stderr) when no diag logger is set.
const DIR = fileURLToPath(new URL('../fixtures/diagnostics/', import.meta.url));
const WARNING = /no OpenTelemetry context manager is registered/;

function run(args: string[], env: Record<string, string>): Promise<NodeRun> {
  return runNode(args, { cwd: DIR, env });
}

describe('a missing context manager', () => {
  let server: RecordingServer;
  let env: Record<string, string>;
  beforeEach(async () => {
    server = await startRecordingServer();
    env = {
      MOSAIC_TELEMETRY_ENABLED: 'true',
      MOSAIC_TELEMETRY_SERVER_URL: server.url,
      MOSAIC_TELEMETRY_API_KEY: 'ab'.repeat(32),
      MOSAIC_TELEMETRY_INSTANCE_ID: '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b',
    };
  });
  afterEach(async () => {
    await server.close();
  });

  const events = () =>
    server.requests.flatMap(
      (r) => (JSON.parse(r.body) as { events: Array<Record<string, unknown>> }).events,
    );

  it('is said once on stderr, with the fix, when model calls cannot nest under the tasks', async () => {
    const result = await run(['tasks-with-model-calls.mjs'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('DONE');
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(WARNING);
    expect(lines[0]).toContain('@opentelemetry/context-async-hooks');
    expect(lines[0]).toContain('AsyncLocalStorageContextManager');
    expect(lines[0]).toContain('NodeSDK');
    // What it explains: both tasks arrive with no tokens and no model.
    expect(events().map((e) => [e.actual_input_tokens, e.model])).toEqual([
      [0, 'unknown'],
      [0, 'unknown'],
    ]);
  });

  it('is silent when a context manager is registered, and the calls are folded in', async () => {
    const result = await run(['tasks-with-model-calls.mjs', '--context-manager'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(
      events().map((e) => [e.actual_input_tokens, e.actual_output_tokens, e.model, e.provider]),
    ).toEqual([
      [1200, 300, 'claude-sonnet-4-5', 'anthropic'],
      [800, 200, 'claude-sonnet-4-5', 'anthropic'],
    ]);
  });

  it('is silent under OTEL_LOG_LEVEL=none', async () => {
    const result = await run(['tasks-with-model-calls.mjs'], { ...env, OTEL_LOG_LEVEL: 'none' });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });
});
