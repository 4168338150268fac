import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { afterEach, describe, expect, it } from 'vitest';
import { keyedRequestOf, SPAN_FILTER } from '../../src/sources/index.js';
import { qwenCode, readQwenLog } from '../../src/sources/qwen-code.js';
import { type BridgeLoop, startBridgeLoop } from '../support/bridge-to-devserver.js';
import {
  type CapturedRequest,
  type GroundTruthLine,
  loadCapture,
  loadGroundTruth,
  toProtobuf,
} from '../support/captures.js';
import { logsOf } from '../support/source-fixtures.js';

/** Chat Completions ground truth in the bridge's token meaning (cached inside prompt tokens). */
function expected(truth: readonly GroundTruthLine[]) {
  let input = 0;
  let output = 0;
  for (const line of truth) {
    const usage = line.usage as Record<string, number> | undefined;
    input += usage?.prompt_tokens ?? 0;
    output += usage?.completion_tokens ?? 0;
  }
  return { input, output, failed: truth.at(-1)?.kind === 'error' };
}

/** What Qwen Code's stored events must never hold: prompt, commands, paths, file text. */
const NEVER_STORED = [
  'Run cat hello.txt',
  'hello.txt',
  'hello from the lane',
  'npm run',
  'src/app.ts',
  'gen.py',
  '/tmp/agents-capture',
];

const only = (requests: CapturedRequest[], signal: CapturedRequest['signal']) =>
  requests.filter((r) => r.signal === signal);

/** The same requests as OTLP/protobuf (Qwen Code sends JSON; the bridge takes both). */
const asProtobuf = (requests: CapturedRequest[]): CapturedRequest[] =>
  requests.map((r) => ({
    ...r,
    contentType: 'application/x-protobuf',
    body: toProtobuf(r.signal, r.json),
  }));

describe('source: Qwen Code', () => {
  it('reads its interaction and request spans and its api_response / api_error / tool_call logs', () => {
    expect(SPAN_FILTER.isRelevantName('qwen-code.interaction')).toBe(true);
    expect(SPAN_FILTER.isRelevantName('qwen-code.llm_request')).toBe(true);
    expect(qwenCode.reads.logEvents).toEqual([
      'qwen-code.api_response',
      'qwen-code.api_error',
      'qwen-code.tool_call',
    ]);
  });

  it('keys a request log by session id and prompt id, input with cached tokens, output with thoughts', () => {
    const logs = logsOf(loadCapture('qwen', 'run1')).filter(
      (l) => l.eventName === 'qwen-code.api_response',
    );
    const first = readQwenLog(logs[0] as (typeof logs)[number]);
    expect(first).toMatchObject({
      source: 'qwen_code',
      promptId: expect.stringContaining('########0'),
      request: { inputTokens: 2101, outputTokens: 61, model: 'gpt-4.1', provider: 'openai' },
    });
  });

  it('never reads a span of another service as Qwen Code', () => {
    const span = {
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      parentSpanId: undefined,
      name: 'qwen-code.llm_request',
      kind: 0,
      startTimeMs: 1,
      endTimeMs: 2,
      statusCode: 0,
      attributes: { 'qwen-code.prompt_id': 'p', 'session.id': 's' },
      resourceAttributes: { 'service.name': 'someone-else' },
      scopeName: undefined,
    };
    expect(keyedRequestOf(span)).toBeUndefined();
  });
});

describe('source: Qwen Code, captured runs through a real bridge', () => {
  let loop: BridgeLoop | undefined;
  let other: BridgeLoop | undefined;
  afterEach(async () => {
    await loop?.close();
    await other?.close();
    loop = undefined;
    other = undefined;
  });

  for (const run of ['run1', 'run2-errors'] as const) {
    it(`stores one event per prompt equal to the ground truth from traces and logs: ${run}`, async () => {
      loop = await startBridgeLoop({ grpcPort: false });
      const statuses = await loop.send(loadCapture('qwen', run));
      expect(statuses.every((s) => s === 200)).toBe(true);
      const events = await loop.finish();
      const truth = expected(loadGroundTruth('qwen', run));
      expect(events).toHaveLength(1);
      const event = events[0];
      expect(validateTaskCompletionEvent(event)).toEqual([]);
      expect(event).toMatchObject({
        actual_input_tokens: truth.input,
        actual_output_tokens: truth.output,
        model: 'gpt-4.1',
        provider: 'openai',
        harness: 'custom',
        outcome: truth.failed ? 'failure' : 'success',
      });
      expect(event?.actual_cost_usd_micros).toBeGreaterThan(0);
      expect(loop.bridge.stats.dropped.coveredByTraces).toBe(0);
    });
  }

  it('gives the same event from traces alone, from logs alone, and from protobuf', async () => {
    const capture = loadCapture('qwen', 'run1');
    loop = await startBridgeLoop({ grpcPort: false });
    await loop.send(only(capture, 'traces'));
    const fromTraces = await loop.finish();
    other = await startBridgeLoop({ grpcPort: false });
    await other.send(asProtobuf(only(capture, 'logs')));
    const fromLogs = await other.finish();
    expect(fromTraces).toHaveLength(1);
    expect(fromLogs).toHaveLength(1);
    const [t, l] = [fromTraces[0], fromLogs[0]];
    expect(t?.event_id).toBe(l?.event_id);
    for (const e of [t, l]) {
      expect(e).toMatchObject({
        actual_input_tokens: 2101 + 2302,
        actual_output_tokens: 61 + 29,
        model: 'gpt-4.1',
        outcome: 'success',
      });
    }
  });

  it('derives gates and language from its tool_call logs, and stores none of their text', async () => {
    loop = await startBridgeLoop({ grpcPort: false });
    await loop.send(loadCapture('qwen', 'run3-tools'));
    const events = await loop.finish();
    const truth = expected(loadGroundTruth('qwen', 'run3-tools'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actual_input_tokens: truth.input,
      actual_output_tokens: truth.output,
      quality_gates_run: ['lint', 'test'],
      quality_gates_failed: ['lint'],
      quality_gate_passed: false,
      language: 'typescript',
      outcome: 'success',
    });
    const stored = JSON.stringify(events);
    for (const text of NEVER_STORED) expect(stored).not.toContain(text);
  });
});
