import { afterEach, describe, expect, it } from 'vitest';
import { type BridgeLoop, startBridgeLoop } from './support/bridge-to-devserver.js';
import { type CapturedRequest, loadCapture, toProtobuf } from './support/captures.js';
import { hex, logRecord, logsRequest, span, tracesRequest } from './support/otlp-json.js';
import { until } from './support/until.js';

const json = (
  signal: CapturedRequest['signal'],
  body: Record<string, unknown>,
): CapturedRequest => ({
  signal,
  contentType: 'application/json',
  json: body,
  body: Buffer.from(JSON.stringify(body)),
});

const CLAUDE = { 'service.name': 'claude-code' };

type LogsBody = {
  resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<Record<string, unknown>> }> }>;
};

/**
 * Captured Codex log records as Codex sends them without a trace exporter: no trace context (Codex
 * puts a turn's trace id on its log records only when it exports that turn's spans).
 */
function withoutTraceContext(body: LogsBody): LogsBody {
  for (const rl of body.resourceLogs) {
    for (const sl of rl.scopeLogs) {
      for (const l of sl.logRecords) {
        delete l.traceId;
        delete l.spanId;
      }
    }
  }
  return body;
}

function claudeRequestLog(
  session: string,
  prompt: string,
  seq: number,
  input: number,
  output: number,
) {
  return logRecord(
    'claude_code.api_request',
    {
      'session.id': session,
      'prompt.id': prompt,
      'event.sequence': seq,
      model: 'claude-sonnet-5',
      input_tokens: input,
      output_tokens: output,
      cache_read_tokens: 1000,
      cache_creation_tokens: 10,
      cost_usd: 0.0125,
      request_id: `req_${session}_${seq}`,
    },
    { nameIn: 'body' },
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bridge edge cases', () => {
  let loop: BridgeLoop | undefined;
  afterEach(async () => {
    await loop?.close();
    loop = undefined;
  });

  it('folds a task whose children arrive in a later request than its task span', async () => {
    loop = await startBridgeLoop({ taskIdleMs: 5_000 });
    const traceId = hex(16);
    const root = hex(8);
    const interaction = span({
      traceId,
      spanId: root,
      name: 'claude_code.interaction',
      attributes: { 'session.id': 's1', 'gen_ai.operation.name': 'invoke_agent' },
    });
    const child = (n: number, ok = true) =>
      span({
        traceId,
        parentSpanId: root,
        name: 'claude_code.llm_request',
        attributes: {
          model: 'claude-sonnet-5',
          input_tokens: 100 * n,
          cache_read_tokens: 10,
          cache_creation_tokens: 1,
          output_tokens: n,
          success: ok,
          ...(ok ? {} : { status_code: 529 }),
        },
      });
    await loop.send([json('traces', tracesRequest(CLAUDE, [interaction]))]);
    await loop.send([json('traces', tracesRequest(CLAUDE, [child(1), child(2)]))]);
    await loop.send([json('traces', tracesRequest(CLAUDE, [child(3, false)]))]);
    const events = await loop.finish();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      // The failed attempt's tokens count too: the source says they were read.
      actual_input_tokens: 100 + 11 + 200 + 11 + 300 + 11,
      actual_output_tokens: 6,
      model: 'claude-sonnet-5',
      outcome: 'failure',
      harness: 'claude_code',
    });
  });

  it('uses a task’s logs that arrive before its spans for cost, and reports it once', async () => {
    loop = await startBridgeLoop({ taskIdleMs: 5_000 });
    const capture = loadCapture('claude', 'run1');
    const logs = capture.filter((r) => r.signal === 'logs');
    const traces = capture.filter((r) => r.signal === 'traces');
    await loop.send([...logs, ...traces]);
    const events = await loop.finish();
    expect(events).toHaveLength(1);
    expect(events[0]?.actual_cost_usd_micros).toBe(8249 + 7438);
    expect(loop.bridge.stats.dropped.coveredByTraces).toBe(1);
  });

  it('closes a logs-only task after taskIdleMs without a new record', async () => {
    // Records 200 ms apart within an idle time of 600 ms: one task, with room for late timers.
    loop = await startBridgeLoop({ taskIdleMs: 600 });
    await loop.send([
      json('logs', logsRequest(CLAUDE, [claudeRequestLog('sA', 'p1', 1, 200, 20)])),
    ]);
    await sleep(200);
    await loop.send([
      json('logs', logsRequest(CLAUDE, [claudeRequestLog('sA', 'p1', 2, 300, 30)])),
    ]);
    await sleep(200);
    expect(loop.bridge.stats.tasksReported).toBe(0);
    await until(() => (loop?.devserver.countEvents() ?? 0) > 0);
    const events = loop.devserver.listEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actual_input_tokens: 200 + 300 + 2 * 1010,
      actual_output_tokens: 50,
      actual_cost_usd_micros: 25_000,
      harness: 'claude_code',
      provider: 'anthropic',
    });
  });

  it('keeps two interleaved sessions apart', async () => {
    loop = await startBridgeLoop({ taskIdleMs: 5_000 });
    await loop.send([
      json(
        'logs',
        logsRequest(CLAUDE, [
          claudeRequestLog('s1', 'p1', 1, 100, 1),
          claudeRequestLog('s2', 'p1', 1, 200, 2),
          claudeRequestLog('s1', 'p2', 2, 300, 3),
        ]),
      ),
      json(
        'logs',
        logsRequest(CLAUDE, [
          claudeRequestLog('s2', 'p1', 2, 400, 4),
          claudeRequestLog('s1', 'p1', 3, 500, 5),
        ]),
      ),
    ]);
    const events = await loop.finish();
    const tokens = events.map((e) => e.actual_output_tokens).sort();
    expect(tokens).toEqual([3, 6, 6]);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(3);
  });

  it('reports the same batch exported twice once, also across a bridge restart', async () => {
    loop = await startBridgeLoop({ taskIdleMs: 300 });
    const capture = loadCapture('codex', 'run1');
    await loop.send(capture);
    await until(() => (loop?.bridge.stats.tasksReported ?? 0) > 0);
    expect(loop.bridge.stats.tasksReported).toBe(1);
    await loop.send(capture);
    expect(await loop.finish()).toHaveLength(1);
    expect(loop.bridge.stats.dropped.duplicateTasks).toBe(1);
    // A new bridge (a restart) gets the sender's retry: same event id, the server keeps one.
    const again = await startBridgeLoop({
      taskIdleMs: 5_000,
      telemetry: {
        serverUrl: loop.devserver.url,
        apiKey: loop.devserver.apiKey,
        instanceId: loop.devserver.instanceId,
      },
    });
    await again.send(capture);
    await again.close();
    expect(loop.devserver.listEvents()).toHaveLength(1);
  });

  it('waits past taskIdleMs for a Codex turn whose totals come in a much later export', async () => {
    loop = await startBridgeLoop({ taskIdleMs: 100 });
    const [first, second] = loadCapture('codex', 'run2-protobuf').filter(
      (r) => r.signal === 'traces',
    );
    await loop.send([first as CapturedRequest]);
    await sleep(400);
    expect(loop.bridge.stats.tasksReported).toBe(0);
    await loop.send([second as CapturedRequest]);
    await until(() => (loop?.bridge.stats.tasksReported ?? 0) > 0);
    const events = await loop.finish();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actual_input_tokens: 4403, actual_output_tokens: 90 });
  });

  it('reads Codex logs alone as one task of the conversation', async () => {
    loop = await startBridgeLoop({ taskIdleMs: 5_000 });
    const logs = loadCapture('codex', 'run2-protobuf').filter((r) => r.signal === 'logs');
    await loop.send(
      logs.map((r) => {
        const body = withoutTraceContext(structuredClone(r.json) as LogsBody);
        return { ...r, json: body, body: toProtobuf('logs', body) };
      }),
    );
    const events = await loop.finish();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actual_input_tokens: 2101 + 2302,
      actual_output_tokens: 61 + 29,
      model: 'gpt-5.5',
      provider: 'openai',
      harness: 'custom',
    });
  });

  for (const [lastRecord, offset] of [
    ['codex.tool_decision', -1],
    ['codex.tool_decision', 0],
    ['codex.tool_result', 0],
  ] as const) {
    it(`reports a Codex turn whose logs stop at an unanswered tool call (up to ${lastRecord} ${offset}) as a failure`, async () => {
      loop = await startBridgeLoop({ taskIdleMs: 5_000 });
      const [logs] = loadCapture('codex', 'run1').filter((r) => r.signal === 'logs');
      const body = withoutTraceContext(structuredClone(logs?.json) as LogsBody);
      const nameOf = (l: Record<string, unknown>) =>
        (l.attributes as Array<{ key: string; value: { stringValue?: string } }>).find(
          (a) => a.key === 'event.name',
        )?.value.stringValue;
      // What a periodic export sent before Codex exited on a failed request: up to the tool result.
      for (const rl of body.resourceLogs) {
        for (const sl of rl.scopeLogs) {
          const cut = sl.logRecords.findIndex((l) => nameOf(l) === lastRecord);
          if (cut >= 0) sl.logRecords = sl.logRecords.slice(0, cut + 1 + offset);
        }
      }
      await loop.send([json('logs', body)]);
      const events = await loop.finish();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        actual_input_tokens: 2101,
        actual_output_tokens: 61,
        outcome: 'failure',
      });
    });
  }

  it('reads Gemini spans alone when no logs come (output without thoughts)', async () => {
    loop = await startBridgeLoop({ taskIdleMs: 5_000 });
    await loop.send(loadCapture('gemini', 'run1').filter((r) => r.signal === 'traces'));
    const events = await loop.finish();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actual_input_tokens: 66 + 3101 + 3202,
      actual_output_tokens: 5 + 41 + 19,
      provider: 'google',
    });
  });

  it('takes task fields from mosaic.* resource attributes, else from defaults', async () => {
    loop = await startBridgeLoop({
      taskIdleMs: 5_000,
      defaults: { taskType: 'debugging', complexity: 'high', harness: 'aider' },
    });
    const opencode = loadCapture('opencode', 'run2-fastflush');
    const withResource = opencode.map((r) => {
      if (r.signal !== 'traces') return r;
      const body = structuredClone(r.json) as {
        resourceSpans: Array<{ resource: { attributes: unknown[] } }>;
      };
      for (const rs of body.resourceSpans) {
        rs.resource.attributes.push(
          { key: 'mosaic.task.type', value: { stringValue: 'implementation' } },
          { key: 'mosaic.task.language', value: { stringValue: 'typescript' } },
        );
      }
      return json('traces', body);
    });
    await loop.send([...withResource, ...loadCapture('codex', 'run1')]);
    const events = await loop.finish();
    const byHarness = Object.fromEntries(events.map((e) => [e.harness, e]));
    expect(byHarness.opencode).toMatchObject({
      task_type: 'implementation',
      complexity: 'high',
      language: 'typescript',
    });
    expect(byHarness.aider).toMatchObject({ task_type: 'debugging', complexity: 'high' });
  });

  it('folds explicit task spans and root invoke_agent spans by span id, innermost calls only', async () => {
    loop = await startBridgeLoop({ taskIdleMs: 5_000 });
    const t1 = hex(16);
    const task = hex(8);
    const wrapper = hex(8);
    const t2 = hex(16);
    const agent = hex(8);
    const spans1 = [
      span({
        traceId: t1,
        spanId: task,
        name: 'fix-bug',
        attributes: { 'mosaic.task.type': 'debugging', 'mosaic.quality.passed': true, prompt: 'x' },
      }),
      span({
        traceId: t1,
        spanId: wrapper,
        parentSpanId: task,
        name: 'ai.generateText',
        attributes: {
          'ai.usage.inputTokens': 30,
          'ai.usage.outputTokens': 3,
          'ai.model.id': 'gpt-5',
        },
      }),
      span({
        traceId: t1,
        parentSpanId: wrapper,
        name: 'ai.generateText.doGenerate',
        attributes: {
          'ai.usage.inputTokens': 30,
          'ai.usage.outputTokens': 3,
          'ai.model.id': 'gpt-5',
          'ai.model.provider': 'openai.chat',
        },
      }),
    ];
    const spans2 = [
      span({
        traceId: t2,
        spanId: agent,
        name: 'agent',
        attributes: { 'gen_ai.operation.name': 'invoke_agent' },
      }),
      ...[1, 2].map((n) =>
        span({
          traceId: t2,
          parentSpanId: agent,
          name: 'chat',
          status: n === 2 ? 2 : 0,
          endMs: Date.now() + n,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'mistral_ai',
            'gen_ai.request.model': 'mistral-large',
            'gen_ai.usage.input_tokens': 10 * n,
            'gen_ai.usage.output_tokens': n,
          },
        }),
      ),
    ];
    await loop.send([
      json('traces', tracesRequest({ 'service.name': 'py-agent' }, spans1)),
      json('traces', tracesRequest({ 'service.name': 'go-agent' }, spans2)),
    ]);
    const events = await loop.finish();
    const debug = events.find((e) => e.task_type === 'debugging');
    const generic = events.find((e) => e.task_type === 'unknown');
    expect(debug).toMatchObject({
      actual_input_tokens: 30,
      actual_output_tokens: 3,
      model: 'gpt-5',
      provider: 'openai',
      quality_gate_passed: true,
      outcome: 'success',
    });
    expect(generic).toMatchObject({
      actual_input_tokens: 30,
      actual_output_tokens: 3,
      provider: 'mistral',
      outcome: 'failure',
      harness: 'custom',
    });
  });

  it('treats mosaic.task.type copied from the resource onto every span (Claude Code) as inherited', async () => {
    loop = await startBridgeLoop({ taskIdleMs: 5_000 });
    const tagged = loadCapture('claude', 'run2-protobuf').map((r) => {
      const body = structuredClone(r.json) as Record<string, Array<Record<string, unknown>>>;
      const kv = { key: 'mosaic.task.type', value: { stringValue: 'testing' } };
      for (const res of body.resourceSpans ?? body.resourceLogs ?? body.resourceMetrics ?? []) {
        (res.resource as { attributes: unknown[] }).attributes.push(kv);
        for (const scope of (res.scopeSpans ?? []) as Array<{
          spans: Array<{ attributes: unknown[] }>;
        }>) {
          for (const s of scope.spans) s.attributes.push(kv);
        }
      }
      return json(r.signal, body);
    });
    await loop.send(tagged);
    const events = await loop.finish();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      task_type: 'testing',
      actual_input_tokens: 11_309,
      harness: 'claude_code',
    });
  });

  it('closes the oldest open trace early beyond the open-trace cap, counted', async () => {
    loop = await startBridgeLoop({ taskIdleMs: 60_000 }, { limits: { maxOpenTraces: 2 } });
    const agentTrace = () => {
      const traceId = hex(16);
      return tracesRequest({ 'service.name': 'agent' }, [
        span({ traceId, name: 'agent', attributes: { 'gen_ai.operation.name': 'invoke_agent' } }),
      ]);
    };
    await loop.send([
      json('traces', agentTrace()),
      json('traces', agentTrace()),
      json('traces', agentTrace()),
    ]);
    expect(loop.bridge.stats.dropped.tasksClosedEarly).toBe(1);
    expect(loop.bridge.stats.tasksReported).toBe(1);
    expect(await loop.finish()).toHaveLength(3);
  });
});
