import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { afterEach, describe, expect, it } from 'vitest';
import { type BridgeLoop, startBridgeLoop } from '../support/bridge-to-devserver.js';
import { type CapturedRequest, loadCapture } from '../support/captures.js';
import { TOOL_DETAILS, withToolDetails } from '../support/tool-details.js';

/** A captured run of each CLI, its tool records with tool details on, and what its logs imply. */
const CASES = [
  {
    cli: 'claude',
    run: 'run1',
    // The CLI's own cost_usd of its two requests (0.0082492 + 0.0074384 USD), from its logs.
    cost: 8_249 + 7_438,
    // Without its logs, its spans' four token counts priced (claude-opus-5-5: see claude-code.test.ts).
    tracedCost: 8_249 + 7_438,
    tokens: [5_503 + 5_806, 57 + 23],
    tracedTask: true,
  },
  {
    cli: 'codex',
    run: 'run1',
    // gpt-5.5 at USD 5 / 0.5 (cached) / 30 per million, reasoning inside the output, per response:
    // (2,101 - 1,500) x 5 + 1,500 x 0.5 + 61 x 30 = 5,585; (2,302 - 2,048) x 5 + 2,048 x 0.5 +
    // 29 x 30 = 3,164.
    cost: 5_585 + 3_164,
    // Without its logs, the turn totals priced as one request: 855 x 5 + 3,548 x 0.5 + 90 x 30.
    tracedCost: 4_275 + 1_774 + 2_700,
    tokens: [4_403, 90],
    tracedTask: true,
  },
  {
    cli: 'gemini',
    run: 'run1',
    // Per million: gemini-3.5-flash-lite 0.3 / 2.5; gemini-3.8-flash 0.75 / 0.075 (cached) / 3.75
    // (thoughts at the output price): 32 + 1,837 + 1,117 (see tool-activity.test.ts).
    cost: 32 + 1_837 + 1_117,
    // Without its logs, each llm_call span's input and output (no cached or thought counts):
    // 66 x 0.3 + 5 x 2.5 = 32.3; 3,101 x 0.75 + 41 x 3.75 = 2,479.5; 3,202 x 0.75 + 19 x 3.75 =
    // 2,472.75 (each rounded).
    tracedCost: 32 + 2_480 + 2_473,
    tokens: [66 + 3_101 + 3_202, 5 + 41 + 13 + 19 + 7],
    // Gemini's llm_call spans are keyed by session and prompt id as its logs are: no trace closes.
    tracedTask: false,
  },
] as const;

const TRACE_SETTLE_MS = 50;

describe('traced tasks carry what their logs imply (captured runs, tool details on)', () => {
  const loops: BridgeLoop[] = [];
  afterEach(async () => {
    for (const loop of loops.splice(0)) await loop.close();
  });

  /** A fresh bridge (traces close 50 ms after their task ends; keyed tasks idle 60 s) and devserver. */
  async function loop(): Promise<BridgeLoop> {
    const started = await startBridgeLoop(
      { taskIdleMs: 60_000, grpcPort: false },
      { limits: { traceSettleMs: TRACE_SETTLE_MS } },
    );
    loops.push(started);
    return started;
  }

  /**
   * Waits until the task's trace has closed: what the bridge holds shrinks from the trace's spans
   * to the traced task waiting for its logs (the captures' other traces stay open for 60 s).
   */
  async function taskTraceClosed(l: BridgeLoop, held: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (l.bridge.stats.pendingRecords >= held) {
      if (Date.now() > deadline) throw new Error('the task trace did not close in 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function send(l: BridgeLoop, requests: readonly CapturedRequest[]): Promise<void> {
    for (const status of await l.send(requests)) expect(status).toBe(200);
  }

  /** One bridge's events of a capture: traces first (their task closed before any log), or logs first. */
  async function eventsOf(
    requests: readonly CapturedRequest[],
    order: 'traces first' | 'logs first',
    tracedTask: boolean,
  ): Promise<TaskCompletionEvent[]> {
    const l = await loop();
    const traces = requests.filter((r) => r.signal === 'traces');
    const logs = requests.filter((r) => r.signal === 'logs');
    await send(l, order === 'traces first' ? traces : logs);
    if (order === 'traces first' && tracedTask && traces.length > 0) {
      await taskTraceClosed(l, l.bridge.stats.pendingRecords);
    }
    await send(l, order === 'traces first' ? logs : traces);
    return l.finish();
  }

  for (const c of CASES) {
    const details = TOOL_DETAILS[c.cli];
    const capture = withToolDetails(c.cli, loadCapture(c.cli, c.run));

    it(`${c.cli}: one event with the logs' gates, language and cost, whichever signal arrives first`, async () => {
      const tracesFirst = await eventsOf(capture, 'traces first', c.tracedTask);
      const logsFirst = await eventsOf(capture, 'logs first', c.tracedTask);
      expect(tracesFirst).toHaveLength(1);
      expect(logsFirst).toHaveLength(1);
      const [event] = tracesFirst;
      expect(event).toMatchObject({
        actual_input_tokens: c.tokens[0],
        actual_output_tokens: c.tokens[1],
        actual_cost_usd_micros: c.cost,
        quality_gates_run: details.gates,
        quality_gates_failed: [],
        quality_gate_passed: true,
        language: details.language,
      });
      // The same event (each run has its own devserver, so its own instance id).
      expect({ ...logsFirst[0], instance_id: '' }).toEqual({ ...event, instance_id: '' });
    });

    it(`${c.cli}: its traces alone and its logs alone report the same event id, each with a cost`, async () => {
      const joined = await eventsOf(capture, 'traces first', c.tracedTask);
      const tracedOnly = await eventsOf(
        capture.filter((r) => r.signal === 'traces'),
        'traces first',
        c.tracedTask,
      );
      const loggedOnly = await eventsOf(
        capture.filter((r) => r.signal === 'logs'),
        'logs first',
        c.tracedTask,
      );
      expect(tracedOnly).toHaveLength(1);
      expect(loggedOnly).toHaveLength(1);
      const id = joined[0]?.event_id;
      expect(tracedOnly[0]?.event_id).toBe(id);
      expect(loggedOnly[0]?.event_id).toBe(id);
      // Logs alone hold the tool activity; traces alone get a cost computed from their tokens.
      expect(loggedOnly[0]).toMatchObject({
        actual_cost_usd_micros: c.cost,
        quality_gates_run: details.gates,
        language: details.language,
      });
      expect(tracedOnly[0]?.actual_cost_usd_micros).toBe(c.tracedCost);
      expect(tracedOnly[0]?.quality_gates_run).toEqual([]);
      expect(tracedOnly[0]?.language).toBeNull();
    });
  }
});
