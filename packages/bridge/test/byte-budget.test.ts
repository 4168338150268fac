import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeLogRecords } from '../src/decode/decode-log-records.js';
import { decodeSpans } from '../src/decode/decode-spans.js';
import { LazyTraceTypes } from '../src/decode/lazy-trace-types.js';
import { readModelCall } from '../src/model/exporter-core.js';
import { MAX_KEPT_TEXT_CHARS, MAX_KEPT_VALUE_CHARS } from '../src/model/kept-attributes.js';
import type { BridgeInternals } from '../src/receiver/bridge-runtime.js';
import { SPAN_FILTER } from '../src/sources/index.js';
import { startBridge } from '../src/start-bridge.js';
import type { Bridge } from '../src/types.js';
import { toProtobuf } from './support/captures.js';
import { callRaw, EXPORT_PATHS, grpcClient, statusDetails } from './support/grpc-export.js';
import { hex, logRecord, logsRequest, span, tracesRequest } from './support/otlp-json.js';
import { postOtlp } from './support/post-otlp.js';

const OFF = { telemetry: { enabled: false } };
const big = (chars: number) => 'p'.repeat(chars);

/** A trace of `n` spans no source reads (parent links only), under one root. */
function linkSpans(traceId: string, n: number) {
  return Array.from({ length: n }, () =>
    span({ traceId, parentSpanId: '1'.repeat(16), name: 'fs.read_file' }),
  );
}

describe('byte budgets', () => {
  describe('decoding', () => {
    it('keeps only the attributes some source reads, of spans and their resources, values cut', () => {
      const traceId = hex(16);
      const decoded = decodeSpans(
        tracesRequest({ 'service.name': 'agent', 'process.command_args': [big(100_000)] }, [
          span({
            traceId,
            name: 'chat',
            attributes: {
              'gen_ai.operation.name': 'chat',
              'gen_ai.request.model': big(5000),
              'gen_ai.usage.input_tokens': 12,
              'gen_ai.prompt': big(100_000),
              'gen_ai.completion': 'secret answer',
            },
          }),
        ]),
        SPAN_FILTER,
      );
      const record = decoded.records[0];
      expect(record?.resourceAttributes).toEqual({ 'service.name': 'agent' });
      expect(Object.keys(record?.attributes ?? {}).sort()).toEqual([
        'gen_ai.operation.name',
        'gen_ai.request.model',
        'gen_ai.usage.input_tokens',
      ]);
      expect(record?.attributes['gen_ai.request.model']).toHaveLength(MAX_KEPT_VALUE_CHARS);
    });

    it('keeps tool text of log records up to its own cap and drops unread keys', () => {
      const { records } = decodeLogRecords(
        logsRequest({ 'service.name': 'claude-code', 'process.command_args': big(50_000) }, [
          logRecord('claude_code.tool_result', {
            tool_name: 'Bash',
            tool_input: big(300_000),
            'user.email': 'someone@example.com',
            prompt: big(10_000),
          }),
        ]),
        SPAN_FILTER.kept,
      );
      expect(records[0]?.resourceAttributes).toEqual({ 'service.name': 'claude-code' });
      expect(records[0]?.attributes.tool_input).toHaveLength(MAX_KEPT_TEXT_CHARS);
      expect(Object.keys(records[0]?.attributes ?? {}).sort()).toEqual([
        'event.name',
        'tool_input',
        'tool_name',
      ]);
    });

    it('reads tool call text of spans in full only to reduce it: the record holds its activity, none of the text (JSON and protobuf)', () => {
      const traceId = hex(16);
      // The result, its output twice, is 200 KB: past 1,024 characters, within 256 KiB.
      const output = '/r/secret/src/x.ts: error\n'.repeat(4_000);
      const patch = `*** Begin Patch\n*** Update File: NOTICE\n${'+secret\n'.repeat(400)}*** Update File: src/secret.rs\n+x\n*** End Patch`;
      const body = tracesRequest({ 'service.name': 'opencode' }, [
        span({
          traceId,
          name: 'ai.toolCall',
          attributes: {
            'ai.toolCall.name': 'bash',
            'ai.toolCall.id': 'call_1',
            'ai.toolCall.args': JSON.stringify({ command: 'pnpm lint' }),
            'ai.toolCall.result': JSON.stringify({ metadata: { output, exit: 1 }, output }),
          },
        }),
        span({
          traceId,
          name: 'ai.toolCall',
          attributes: {
            'ai.toolCall.name': 'apply_patch',
            'ai.toolCall.id': 'call_2',
            'ai.toolCall.args': JSON.stringify({ patchText: patch }),
            'ai.toolCall.result': big(300_000),
          },
        }),
        span({
          traceId,
          name: 'execute_tool create',
          attributes: {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': 'create',
            'gen_ai.tool.call.id': 'call_3',
            'gen_ai.tool.call.arguments': JSON.stringify({
              path: '/r/secret/main.go',
              file_text: big(200_000),
            }),
            'github.copilot.tool.parameters.file_path': '/r/secret/main.go',
          },
        }),
      ]);
      expect(output.length).toBeGreaterThan(100_000);
      for (const request of [body, LazyTraceTypes.request.decode(toProtobuf('traces', body))]) {
        const { records } = decodeSpans(request, SPAN_FILTER);
        expect(records.map((r) => Object.keys(r.attributes).sort())).toEqual([
          ['ai.toolCall.id', 'ai.toolCall.name'],
          ['ai.toolCall.id', 'ai.toolCall.name'],
          ['gen_ai.operation.name', 'gen_ai.tool.call.id', 'gen_ai.tool.name'],
        ]);
        expect(records.map((r) => r.activity?.gateRun)).toEqual([
          { gates: ['lint'], success: false },
          undefined,
          undefined,
        ]);
        const keys = records.map((r) => r.activity?.files?.map((f) => f.path.slice(17)));
        expect(keys).toEqual([undefined, ['x.rs'], ['x.go']]);
        for (const record of records) {
          const held = JSON.stringify(record);
          expect(held).not.toMatch(/secret|pppp/);
          expect(held.length).toBeLessThan(1_000);
        }
      }
    });

    it('keeps every key the core usage reader reads, in each dialect', () => {
      const dialects: { name: string; attributes: Record<string, unknown> }[] = [
        {
          name: 'ai.streamText.doStream',
          attributes: {
            'ai.model.id': 'gpt-4o',
            'ai.model.provider': 'openai.chat',
            'ai.usage.inputTokens': 10,
            'ai.usage.outputTokens': 5,
          },
        },
        {
          name: 'ai.generateText.doGenerate',
          attributes: { 'ai.usage.promptTokens': 7, 'ai.usage.completionTokens': 3 },
        },
        {
          name: 'chat',
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'anthropic',
            'gen_ai.response.model': 'claude-x',
            'gen_ai.usage.input_tokens': 4,
            'gen_ai.usage.output_tokens': 2,
          },
        },
        {
          name: 'ChatOpenAI',
          attributes: {
            'openinference.span.kind': 'LLM',
            'llm.invocation_parameters': '{"model":"gpt-4o-mini"}',
            'llm.model_name': 'gpt-4o-mini-2024',
            'llm.provider': 'openai',
            'llm.token_count.prompt': 9,
            'llm.token_count.completion': 1,
          },
        },
        {
          name: 'openai.chat',
          attributes: {
            'llm.request.type': 'chat',
            'gen_ai.system': 'openai',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.usage.prompt_tokens': 3,
            'gen_ai.usage.completion_tokens': 8,
          },
        },
        { name: 'wf', attributes: { 'traceloop.span.kind': 'workflow', 'llm.system': 'x' } },
      ];
      for (const d of dialects) {
        const traceId = hex(16);
        const [record] = decodeSpans(
          tracesRequest({}, [span({ traceId, name: d.name, attributes: d.attributes })]),
          SPAN_FILTER,
        ).records;
        expect(record?.attributes).toEqual(d.attributes);
        expect(readModelCall({ name: d.name, attributes: record?.attributes ?? {} })).toEqual(
          readModelCall({ name: d.name, attributes: d.attributes as never }),
        );
      }
    });
  });

  describe('held bytes', () => {
    let bridge: Bridge | undefined;
    afterEach(async () => {
      await bridge?.close();
      bridge = undefined;
    });
    const start = async (internals: BridgeInternals, taskIdleMs = 60_000) => {
      bridge = await startBridge({ port: 0, taskIdleMs, ...OFF }, internals);
      return bridge;
    };

    it('holds under 2 KB per open Claude Code log task, whatever its resource and records carry', async () => {
      const b = await start({});
      const tasks = 20;
      for (let t = 0; t < tasks; t++) {
        const body = logsRequest(
          {
            'service.name': 'claude-code',
            'process.command_args': [big(1_000_000)],
            'mosaic.task.type': 'implementation',
          },
          [
            logRecord('claude_code.api_request', {
              'session.id': '1b6a8a7e-3f0e-4c55-9a57-0c6f0d3e6a11',
              'prompt.id': `prompt-${t}-0f6e1b3c-7a2d-4d2e-8f51-3c9b0a7e5d42`,
              request_id: `req_011C${t}AbCdEfGhIjKlMnOpQrStUv`,
              model: 'claude-sonnet-4-5-20250929',
              input_tokens: 1200,
              output_tokens: 310,
              cache_read_tokens: 20_000,
              cost_usd: 0.0123,
              duration_ms: 4200,
              prompt: big(200_000),
            }),
          ],
        );
        expect((await postOtlp(b.url, '/v1/logs', JSON.stringify(body))).status).toBe(200);
      }
      expect(b.stats.openTasks).toBe(tasks);
      expect(b.stats.heldBytes / tasks).toBeLessThan(2048);
    });

    it('holds under 1 KB per OpenCode tool span whose result is 200 KB: 200 of them in one trace stay within a 240 KB trace budget', async () => {
      // Each span's record, parent link and activity (about 3 KB each when values were held cut
      // to 1,024 characters instead of reduced).
      const b = await start({ limits: { maxTaskBytes: 240_000 } });
      const traceId = hex(16);
      const root = hex(8);
      const output = big(100_000);
      const result = JSON.stringify({ metadata: { output, exit: 1 }, output });
      let spans = 0;
      for (let request = 0; request < 8; request++) {
        const tools = Array.from({ length: 25 }, () =>
          span({
            traceId,
            parentSpanId: root,
            name: 'ai.toolCall',
            attributes: {
              'ai.toolCall.name': 'bash',
              'ai.toolCall.id': `call_${hex(8)}`,
              'ai.toolCall.args': JSON.stringify({ command: 'pnpm lint', description: 'Lint' }),
              'ai.toolCall.result': result,
            },
          }),
        );
        const body = JSON.stringify(tracesRequest({ 'service.name': 'opencode' }, tools));
        expect((await postOtlp(b.url, '/v1/traces', body)).status).toBe(200);
        spans += tools.length;
      }
      expect(b.stats.openTasks).toBe(1);
      expect(b.stats.heldBytes / spans).toBeLessThan(1_000);
      expect(b.stats.budgetRefusals.taskBytes).toBe(0);
    });

    it('closes a keyed task early, reporting it once, when it holds the per-task budget', async () => {
      const b = await start({ limits: { maxTaskBytes: 4_000 } });
      const records = Array.from({ length: 30 }, (_, i) =>
        logRecord('claude_code.api_request', {
          'session.id': 's-1',
          'prompt.id': 'p-1',
          request_id: `req_${i}`,
          'event.sequence': i,
          model: 'claude-sonnet-4-5',
          input_tokens: 10,
          output_tokens: 2,
          cost_usd: 0.001,
        }),
      );
      const body = logsRequest({ 'service.name': 'claude-code' }, records);
      expect((await postOtlp(b.url, '/v1/logs', JSON.stringify(body))).status).toBe(200);
      // Reported once, when it first holds the budget; what its key brings later opens a task of
      // the same event id, which is not reported again (counted as a duplicate).
      expect(b.stats.dropped.tasksClosedEarly).toBeGreaterThan(1);
      expect(b.stats.tasksReported).toBe(1);
      expect(b.stats.dropped.duplicateTasks).toBe(b.stats.dropped.tasksClosedEarly - 1);
      expect(b.stats.heldBytes).toBeLessThan(4_000);
    });

    it('answers 429 with Retry-After, taking none of its spans, when a trace would pass the per-task budget', async () => {
      const b = await start({ limits: { maxTaskBytes: 20_000 } });
      const traceId = hex(16);
      const answers: number[] = [];
      for (let i = 0; i < 6; i++) {
        const body = JSON.stringify(tracesRequest({}, linkSpans(traceId, 40)));
        const answer = await postOtlp(b.url, '/v1/traces', body);
        answers.push(answer.status);
        if (answer.status === 429) {
          expect(answer.headers['retry-after']).toBe('5');
          expect(answer.body.toString()).toContain('trace would hold more than 20000 bytes');
        }
      }
      expect(answers.slice(0, 3)).toEqual([200, 200, 200]);
      expect(answers.at(-1)).toBe(429);
      const taken = answers.filter((s) => s === 200).length;
      expect(b.stats.received.spans).toBe(taken * 40);
      expect(b.stats.budgetRefusals.taskBytes).toBe(answers.length - taken);
      expect(b.stats.heldBytes).toBeLessThanOrEqual(20_000);
      // Another trace is still taken.
      const other = JSON.stringify(tracesRequest({}, linkSpans(hex(16), 40)));
      expect((await postOtlp(b.url, '/v1/traces', other)).status).toBe(200);
    });

    it('answers RESOURCE_EXHAUSTED with RetryInfo over gRPC when a trace would pass the per-task budget', async () => {
      bridge = await startBridge(
        { port: 0, grpcPort: 0, taskIdleMs: 60_000, ...OFF },
        { limits: { maxTaskBytes: 20_000 } },
      );
      const client = grpcClient(bridge.grpcUrl as string);
      try {
        const traceId = hex(16);
        const codes: status[] = [];
        for (let i = 0; i < 6; i++) {
          const body = toProtobuf('traces', tracesRequest({}, linkSpans(traceId, 40)));
          const answer = await callRaw(client, EXPORT_PATHS.traces, body);
          codes.push(answer.code);
          if (answer.code !== status.OK) {
            expect(answer.code).toBe(status.RESOURCE_EXHAUSTED);
            expect(statusDetails(answer.trailers)?.retryDelaySeconds).toBe(5);
          }
        }
        expect(codes.at(-1)).toBe(status.RESOURCE_EXHAUSTED);
        expect(bridge.stats.budgetRefusals.taskBytes).toBe(
          codes.filter((c) => c !== status.OK).length,
        );
        expect(bridge.stats.requestsRefused['429']).toBe(bridge.stats.budgetRefusals.taskBytes);
      } finally {
        client.close();
      }
    });

    it('answers 503 with Retry-After when the open tasks would pass their budget, and takes records again once tasks close', async () => {
      const b = await start({ limits: { maxHeldBytes: 30_000 } }, 300);
      const post = () =>
        postOtlp(b.url, '/v1/traces', JSON.stringify(tracesRequest({}, linkSpans(hex(16), 40))));
      const answers: number[] = [];
      for (let i = 0; i < 8; i++) {
        const answer = await post();
        answers.push(answer.status);
        if (answer.status === 503) expect(answer.headers['retry-after']).toBe('5');
      }
      expect(answers[0]).toBe(200);
      expect(answers.at(-1)).toBe(503);
      expect(b.stats.heldBytes).toBeLessThanOrEqual(30_000);
      expect(b.stats.requestsRefused['503']).toBe(answers.filter((s) => s === 503).length);
      // The open traces close after the idle time: their bytes are free again.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(b.stats.heldBytes).toBe(0);
      expect((await post()).status).toBe(200);
    });
  });
});
