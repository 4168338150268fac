import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { type NodeRun, runNode } from '../support/run-node.js';

// Child processes running the BUILT package (`pnpm test` builds first): the bundled price table
// is loaded at the first task priced, and never by a process that prices none.
const DIR = fileURLToPath(new URL('../fixtures/price-table/', import.meta.url));

describe('the price table', () => {
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

  /** Runs the fixture; its event's cost and whether it loaded the price table. */
  async function run(args: string[], extraEnv: Record<string, string> = {}) {
    const result: NodeRun = await runNode(['task-with-model-call.mjs', ...args], {
      cwd: DIR,
      env: { ...env, ...extraEnv },
    });
    expect(result.code, result.stderr).toBe(0);
    const events = server.requests.flatMap(
      (r) => (JSON.parse(r.body) as { events: Array<{ actual_cost_usd_micros: number }> }).events,
    );
    expect(events).toHaveLength(1);
    const { priceTableLoaded } = JSON.parse(result.stdout.trim()) as { priceTableLoaded: boolean };
    return { cost: events[0]?.actual_cost_usd_micros, priceTableLoaded };
  }

  it('is loaded to price a task span that carries no cost', async () => {
    // gpt-4o-mini: input 0.15, output 0.6 ($/MTok).
    expect(await run([])).toEqual({ cost: 2000 * 0.15 + 100 * 0.6, priceTableLoaded: true });
  });

  it('is never loaded when the task span carries its own cost', async () => {
    expect(await run(['--source-cost'])).toEqual({ cost: 777, priceTableLoaded: false });
  });

  it('is never loaded when MOSAIC_TELEMETRY_COMPUTE_COST=0', async () => {
    expect(await run([], { MOSAIC_TELEMETRY_COMPUTE_COST: '0' })).toEqual({
      cost: 0,
      priceTableLoaded: false,
    });
  });
});
