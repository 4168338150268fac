import { afterEach, describe, expect, it } from 'vitest';
import { decodeMetricPoints } from '../../src/decode/decode-metric-points.js';
import { continueCli } from '../../src/sources/continue-cli.js';
import { METRIC_FILTER } from '../../src/sources/index.js';
import { type BridgeLoop, startBridgeLoop } from '../support/bridge-to-devserver.js';
import {
  type CapturedRequest,
  loadCapture,
  loadGroundTruth,
  toProtobuf,
} from '../support/captures.js';

/** The fake OpenAI API's answered usage: Continue's input counts cached tokens, output reasoning. */
function truthOf(run: string): { input: number; output: number; model: string | undefined } {
  let input = 0;
  let output = 0;
  let model: string | undefined;
  for (const line of loadGroundTruth('continue', run)) {
    const usage = line.usage as { prompt_tokens?: number; completion_tokens?: number } | undefined;
    if (usage === undefined) continue;
    input += usage.prompt_tokens ?? 0;
    output += usage.completion_tokens ?? 0;
    model = line.model;
  }
  return { input, output, model };
}

/** The last value of Continue's cost counter in a capture, in USD micros (its session total). */
function lastCostMicros(requests: readonly CapturedRequest[]): number {
  const points = requests.flatMap((r) => decodeMetricPoints(r.json, METRIC_FILTER).records);
  const cost = points.filter((p) => p.metric === 'continue_cli_cost_usage').at(-1);
  return Math.round((cost?.value ?? Number.NaN) * 1e6);
}

const asProtobuf = (requests: readonly CapturedRequest[]): CapturedRequest[] =>
  requests.map((r) => ({
    ...r,
    contentType: 'application/x-protobuf',
    body: toProtobuf(r.signal, r.json),
  }));

describe('source: Continue CLI (metrics only)', () => {
  let loop: BridgeLoop | undefined;
  afterEach(async () => {
    await loop?.close();
    loop = undefined;
  });

  it('declares its two counters and the attributes it reads; decoding keeps no other attribute', () => {
    expect(continueCli.reads.metricNames).toEqual([
      'continue_cli_token_usage',
      'continue_cli_cost_usage',
    ]);
    const points = loadCapture('continue', 'run1').flatMap(
      (r) => decodeMetricPoints(r.json, METRIC_FILTER).records,
    );
    expect(new Set(points.map((p) => p.metric))).toEqual(
      new Set(['continue_cli_token_usage', 'continue_cli_cost_usage']),
    );
    for (const p of points) {
      expect(Object.keys(p.attributes).every((k) => k === 'type' || k === 'model')).toBe(true);
      expect(p.temporality).toBe('cumulative');
    }
  });

  for (const encoding of ['json', 'protobuf'] as const) {
    it(`reports a captured run as one event with the fake API's exact tokens (OTLP/HTTP ${encoding})`, async () => {
      const capture = loadCapture('continue', 'run1');
      const truth = truthOf('run1');
      loop = await startBridgeLoop({ grpcPort: false });
      const statuses = await loop.send(encoding === 'json' ? capture : asProtobuf(capture));
      expect(statuses).toEqual([200, 200, 200]);
      const events = await loop.finish();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        actual_input_tokens: truth.input,
        actual_output_tokens: truth.output,
        model: truth.model,
        provider: 'openai',
        harness: 'custom',
        outcome: 'success',
        task_type: 'unknown',
        actual_cost_usd_micros: lastCostMicros(capture),
      });
      expect(truth.input).toBe(2101 + 2302);
      expect(loop.bridge.stats.received.dataPoints).toBe(7 + 8 + 8);
    });
  }

  it('reports the run whose last model call failed with the tokens of the calls answered', async () => {
    const capture = loadCapture('continue', 'run4-errors');
    const truth = truthOf('run4-errors');
    loop = await startBridgeLoop({ grpcPort: false });
    await loop.send(capture);
    const events = await loop.finish();
    expect(events).toHaveLength(1);
    // Metrics say nothing of a failed call: the event's outcome is success (docs/bridge.md).
    expect(events[0]).toMatchObject({
      actual_input_tokens: truth.input,
      actual_output_tokens: truth.output,
      model: 'gpt-4.1',
      outcome: 'success',
      actual_cost_usd_micros: lastCostMicros(capture),
    });
    expect(truth).toEqual({ input: 2101, output: 61, model: 'gpt-4.1' });
  });
});
