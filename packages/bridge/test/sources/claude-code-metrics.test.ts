import { afterEach, describe, expect, it } from 'vitest';
import { decodeMetricPoints } from '../../src/decode/decode-metric-points.js';
import { claudeCodeMetrics } from '../../src/sources/claude-code/claude-code-metrics.js';
import { METRIC_FILTER } from '../../src/sources/index.js';
import { type BridgeLoop, startBridgeLoop } from '../support/bridge-to-devserver.js';
import {
  type CapturedRequest,
  loadCapture,
  loadGroundTruth,
  toProtobuf,
} from '../support/captures.js';
import { callRaw, EXPORT_PATHS, grpcClient } from '../support/grpc-export.js';
import { logsOf } from '../support/source-fixtures.js';

const SESSION = '168e8a52-a545-4e4c-bacd-d7b9117df773';

/** The fake Anthropic API's answered usage, in the bridge's meaning (input counts cache reads and writes). */
function truthOf(run: string): { input: number; output: number } {
  let input = 0;
  let output = 0;
  for (const line of loadGroundTruth('claude', run)) {
    const u = line.usage as Record<string, number> | undefined;
    if (u === undefined) continue;
    input +=
      (u.input_tokens ?? 0) +
      (u.cache_read_input_tokens ?? 0) +
      (u.cache_creation_input_tokens ?? 0);
    output += u.output_tokens ?? 0;
  }
  return { input, output };
}

/** The cost Claude Code's own `api_request` logs state for the run, in USD micros. */
function logsCostMicros(capture: readonly CapturedRequest[]): number {
  return logsOf(capture).reduce((sum, log) => {
    const usd = log.attributes.cost_usd;
    return sum + (typeof usd === 'number' ? Math.round(usd * 1e6) : 0);
  }, 0);
}

const only = (capture: readonly CapturedRequest[], ...signals: CapturedRequest['signal'][]) =>
  capture.filter((r) => signals.includes(r.signal));

describe('source: Claude Code metrics', () => {
  let loop: BridgeLoop | undefined;
  afterEach(async () => {
    await loop?.close();
    loop = undefined;
  });

  it('reads the token and cost counters by type, model and session, with delta temporality', () => {
    expect(claudeCodeMetrics.reads.metricNames).toEqual([
      'claude_code.token.usage',
      'claude_code.cost.usage',
    ]);
    const points = only(loadCapture('claude', 'run1'), 'metrics').flatMap(
      (r) => decodeMetricPoints(r.json, METRIC_FILTER).records,
    );
    expect(points).toHaveLength(5);
    for (const p of points) {
      expect(p.temporality).toBe('delta');
      expect(p.attributes['session.id']).toBe(SESSION);
      // user.id, terminal.type and the rest are not kept.
      expect(Object.keys(p.attributes).sort()).toEqual(
        p.metric === 'claude_code.cost.usage'
          ? ['model', 'session.id']
          : ['model', 'session.id', 'type'],
      );
    }
  });

  for (const run of ['run1', 'run2-protobuf'] as const) {
    it(`reports a metrics-only session (${run}) as one event with its exact tokens and the CLI's cost`, async () => {
      const capture = loadCapture('claude', run);
      const truth = truthOf(run);
      loop = await startBridgeLoop({ grpcPort: false });
      expect(await loop.send(only(capture, 'metrics'))).toEqual([200]);
      const events = await loop.finish();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        actual_input_tokens: truth.input,
        actual_output_tokens: truth.output,
        model: 'claude-opus-5-5',
        provider: 'anthropic',
        harness: 'claude_code',
        outcome: 'success',
      });
      // The cost counter's total and the logs' per-request costs round apart by at most a micro each.
      const cost = events[0]?.actual_cost_usd_micros ?? 0;
      expect(Math.abs(cost - logsCostMicros(capture))).toBeLessThanOrEqual(1);
      expect(truth).toEqual({ input: 11_309, output: 80 });
    });
  }

  it('reports one event per session, each with its own tokens, over OTLP/gRPC', async () => {
    loop = await startBridgeLoop({ grpcPort: 0 });
    const client = grpcClient(loop.bridge.grpcUrl ?? '');
    try {
      for (const run of ['run1', 'run4-errors']) {
        for (const r of only(loadCapture('claude', run), 'metrics')) {
          const answer = await callRaw(client, EXPORT_PATHS.metrics, toProtobuf('metrics', r.json));
          expect(answer.code).toBe(0);
        }
      }
    } finally {
      client.close();
    }
    const events = await loop.finish();
    expect(events).toHaveLength(2);
    const byInput = [...events].sort((a, b) => a.actual_input_tokens - b.actual_input_tokens);
    for (const [event, run] of [
      [byInput[0], 'run4-errors'],
      [byInput[1], 'run1'],
    ] as const) {
      const truth = truthOf(run);
      expect(event).toMatchObject({
        actual_input_tokens: truth.input,
        actual_output_tokens: truth.output,
      });
    }
  });

  it('does not count a session twice when its logs come too: the logs give one event per prompt', async () => {
    const capture = loadCapture('claude', 'run1');
    loop = await startBridgeLoop({ grpcPort: false });
    // Metrics first, logs after: the metrics task is dropped when it closes.
    await loop.send(only(capture, 'metrics'));
    await loop.send(only(capture, 'logs'));
    const events = await loop.finish();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actual_input_tokens: 11_309, actual_output_tokens: 80 });
    expect(loop.bridge.stats.dropped.coveredMetricTasks).toBe(1);
  });

  it('does not count a session twice when its traces come too (logs off)', async () => {
    const capture = loadCapture('claude', 'run1');
    loop = await startBridgeLoop({ grpcPort: false });
    await loop.send(only(capture, 'traces', 'metrics'));
    const events = await loop.finish();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actual_input_tokens: 11_309, actual_output_tokens: 80 });
    expect(loop.bridge.stats.dropped.coveredMetricTasks).toBe(1);
  });

  it('reports the captured failing run (all three signals) once', async () => {
    const capture = loadCapture('claude', 'run4-errors');
    loop = await startBridgeLoop({ grpcPort: false });
    await loop.send(capture);
    const events = await loop.finish();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      outcome: 'failure',
      actual_input_tokens: truthOf('run4-errors').input,
    });
    expect(loop.bridge.stats.dropped.coveredMetricTasks).toBe(1);
  });
});
