import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../src/start-bridge.js';
import { toProtobuf } from './support/captures.js';
import {
  hex,
  keyValues,
  logRecord,
  logsRequest,
  span,
  tracesRequest,
} from './support/otlp-json.js';
import { postOtlp } from './support/post-otlp.js';
import { type RecordingUpstream, startRecordingUpstream } from './support/recording-upstream.js';
import { spooledBridgeOptions } from './support/spooled-bridge-options.js';
import { until } from './support/until.js';

const API_KEY = 'ab'.repeat(32);
const INSTANCE = '3f1c9a52-7d4e-4b8a-9c21-5e6f7a8b9c0d';
/** Planted in every attribute and body that is not an event field; must never leave. */
const MARKER = 'Zq7PLANTEDq7Z';
/**
 * Planted in the text of tool calls (commands, paths, arguments, output), often past their first
 * 1,024 characters: besides never leaving, never kept in the spool (ids and keys may be).
 */
const TOOL_MARKER = `Tool${MARKER}Text`;

/** Keys these CLIs really use for content (prompts, tool args, output, command lines). */
const CONTENT_KEYS = [
  'user_prompt',
  'prompt',
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'ai.prompt.messages',
  'ai.toolCall.args',
  'ai.toolCall.result',
  'arguments',
  'output',
  'file_path',
  'process.command_args',
  'response_text',
  'function_args',
  'error',
  'user.id',
];

const planted = fc.string({ maxLength: 6 }).map((s) => `${s}${MARKER}${s}`);
const contentAttrs = fc
  .record({
    picked: fc.subarray(CONTENT_KEYS, { minLength: 1 }),
    extra: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), planted, { maxKeys: 3 }),
    value: planted,
    list: fc.array(planted, { maxLength: 2 }),
  })
  .map(({ picked, extra, value, list }) => {
    const attrs: Record<string, unknown> = { ...extra, [`k.${MARKER}`]: value };
    picked.forEach((k, i) => {
      attrs[k] = i % 2 === 0 ? value : list.length > 0 ? list : value;
    });
    return attrs;
  });

/** The derived fields of a sent event. */
interface DerivedFields {
  quality_gates_run: string[];
  language: string | null;
}

const SERVICES = ['claude-code', 'codex_exec', 'gemini-cli', 'opencode', 'py-agent'] as const;
/** Filler before a planted tool text, so that the text lies past 1,024 characters, or 256 KiB. */
const PADS = [0, 2_000, 60_000, 300_000] as const;
const tokens = fc.integer({ min: 0, max: 50_000 });

/** One sender's export: a resource, a task in one of the dialects, and logs. */
const exportArb = fc.record({
  service: fc.constantFrom(...SERVICES),
  resource: contentAttrs,
  attrs: fc.array(contentAttrs, { minLength: 8, maxLength: 8 }),
  input: tokens,
  output: tokens,
  protobuf: fc.boolean(),
  dialect: fc.constantFrom('claude', 'codex', 'opencode', 'copilot', 'gemini', 'explicit', 'agent'),
  pad: fc.constantFrom(...PADS),
});

type Export = typeof exportArb extends fc.Arbitrary<infer T> ? T : never;

function requestsOf(x: Export) {
  const traceId = hex(16);
  const root = hex(8);
  const mid = hex(8);
  const a = x.attrs as Record<string, unknown>[];
  const usage = { 'gen_ai.usage.input_tokens': x.input, 'gen_ai.usage.output_tokens': x.output };
  // Each export is its own prompt, as in a real CLI: two exports sharing a session and prompt
  // id are one task to the bridge (rightly), and the count below would come out short.
  const session = `s-${MARKER}-${hex(4)}`;
  const prompt = `p-${MARKER}-${hex(4)}`;
  const turn = `t-${MARKER}-${hex(4)}`;
  const service = x.dialect === 'copilot' ? 'github-copilot' : x.service;
  const resource = { ...x.resource, 'service.name': service, 'session.id': session };
  // Tool text with the marker at its start and after the filler.
  const pad = '.'.repeat(x.pad);
  const text = `${TOOL_MARKER}${pad}${TOOL_MARKER}`;
  const spans: Record<string, unknown>[] = [];
  const s = (name: string, attributes: Record<string, unknown>, spanId?: string, parent?: string) =>
    spans.push(
      span({
        traceId,
        name,
        attributes,
        ...(spanId ? { spanId } : {}),
        ...(parent ? { parentSpanId: parent } : {}),
      }),
    );
  switch (x.dialect) {
    case 'claude':
      s(
        'claude_code.interaction',
        { ...a[0], 'session.id': session, 'gen_ai.operation.name': 'invoke_agent' },
        root,
      );
      s(
        'claude_code.llm_request',
        { ...a[1], ...usage, model: 'claude-x', request_id: `r-${MARKER}` },
        mid,
        root,
      );
      break;
    case 'codex':
      s('turn/start', { ...a[0], 'turn.id': turn }, root);
      s(
        'session_task.turn',
        {
          ...a[1],
          'turn.id': turn,
          model: 'gpt-x',
          'codex.turn.token_usage.input_tokens': x.input,
        },
        mid,
        root,
      );
      s('handle_responses', { ...a[2], ...usage }, undefined, mid);
      // Names the turn's conversation, so the logs below (with its trace id) join the turn.
      s('run_turn', { 'conversation.id': session, 'turn.id': turn }, undefined, mid);
      break;
    case 'opencode':
      s('SessionPrompt.prompt', a[0] ?? {}, root);
      s(
        'ai.streamText.doStream',
        {
          ...a[1],
          'ai.usage.inputTokens': x.input,
          'ai.model.id': 'm-x',
          'ai.prompt.messages': MARKER,
          // Provider metadata is held as the cache counts read of it, never as its text.
          'ai.response.providerMetadata': JSON.stringify({
            anthropic: { usage: { cache_read_input_tokens: 0 } },
            google: { groundingMetadata: { webSearchQueries: [text] } },
          }),
        },
        mid,
        root,
      );
      s('ai.toolCall', { ...a[2], 'ai.toolCall.result': MARKER }, undefined, root);
      // Tool calls read for gates and language: the command, path and output never leave, and
      // are not held (or spooled) past decoding, however long.
      s(
        'ai.toolCall',
        {
          'ai.toolCall.name': 'bash',
          'ai.toolCall.id': `call-${MARKER}`,
          'ai.toolCall.args': JSON.stringify({
            description: text,
            command: `npm run lint ${TOOL_MARKER}`,
          }),
          'ai.toolCall.result': JSON.stringify({
            metadata: { output: text, exit: 1 },
            output: text,
          }),
        },
        undefined,
        root,
      );
      s(
        'ai.toolCall',
        {
          'ai.toolCall.name': 'edit',
          'ai.toolCall.args': JSON.stringify({
            oldString: text,
            filePath: `/r/${TOOL_MARKER}/${TOOL_MARKER}.rs`,
          }),
          'ai.toolCall.result': text,
        },
        undefined,
        root,
      );
      s(
        'ai.toolCall',
        {
          'ai.toolCall.name': 'apply_patch',
          'ai.toolCall.args': JSON.stringify({
            patchText: `*** Begin Patch\n*** Update File: ${text}\n+${text}\n*** Update File: ${TOOL_MARKER}/x.py\n*** End Patch`,
          }),
          'ai.toolCall.result': text,
        },
        undefined,
        root,
      );
      break;
    case 'copilot':
      s(
        'invoke_agent',
        { ...a[0], 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.conversation.id': session },
        root,
      );
      s('chat gpt-x', { ...a[1], ...usage, 'gen_ai.operation.name': 'chat' }, mid, root);
      s(
        'execute_tool bash',
        {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'bash',
          'gen_ai.tool.call.id': `call-${MARKER}`,
          'gen_ai.tool.call.arguments': JSON.stringify({
            command: `pnpm test ${TOOL_MARKER}`,
            description: text,
          }),
          'github.copilot.tool.parameters.command': `pnpm test ${TOOL_MARKER}`,
          'process.exit.code': 1,
          'gen_ai.tool.call.result': text,
        },
        undefined,
        mid,
      );
      s(
        'execute_tool create',
        {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'create',
          'gen_ai.tool.call.arguments': JSON.stringify({
            file_text: text,
            path: `/w/${TOOL_MARKER}/${TOOL_MARKER}.go`,
          }),
          'gen_ai.tool.call.result': text,
        },
        undefined,
        root,
      );
      break;
    case 'gemini':
      s('llm_call', {
        ...a[0],
        ...usage,
        'gen_ai.prompt.name': prompt,
        'gen_ai.request.model': 'gemini-x',
      });
      break;
    case 'explicit':
      s('task', { ...a[0], 'mosaic.task.type': 'testing' }, root);
      s('chat', { ...a[1], ...usage, 'gen_ai.operation.name': 'chat' }, mid, root);
      break;
    default:
      s('agent', { ...a[0], 'gen_ai.operation.name': 'invoke_agent' }, root);
      s('chat', { ...a[1], ...usage, 'gen_ai.operation.name': 'chat' }, mid, root);
  }
  const logs = [
    logRecord(
      'claude_code.api_request',
      {
        ...a[3],
        'session.id': session,
        'prompt.id': prompt,
        input_tokens: x.input,
        cost_usd: 0.5,
        request_id: `r-${MARKER}`,
      },
      { nameIn: 'body' },
    ),
    logRecord('codex.sse_event', {
      ...a[4],
      'event.kind': 'response.completed',
      'conversation.id': session,
      input_token_count: String(x.input),
    }),
    logRecord('gemini_cli.api_response', {
      ...a[5],
      prompt_id: prompt,
      input_token_count: x.input,
      response_text: MARKER,
    }),
    // Tool records: command text, paths, arguments and output are read for gates and language.
    logRecord(
      'claude_code.tool_result',
      {
        'session.id': session,
        'prompt.id': prompt,
        request_id: `r-${MARKER}`,
        tool_name: 'Bash',
        tool_use_id: `toolu-${MARKER}`,
        success: 'false',
        tool_input: JSON.stringify({ command: `pnpm test ${TOOL_MARKER}`, description: text }),
        tool_parameters: JSON.stringify({ full_command: `pnpm lint ${TOOL_MARKER}` }),
      },
      { nameIn: 'body' },
    ),
    logRecord(
      'claude_code.tool_result',
      {
        'session.id': session,
        'prompt.id': prompt,
        request_id: `r-${MARKER}`,
        tool_name: 'Edit',
        tool_use_id: `toolu-e-${MARKER}`,
        success: true,
        tool_input: JSON.stringify({
          new_string: text,
          file_path: `/r/${TOOL_MARKER}/${TOOL_MARKER}.ts`,
        }),
      },
      { nameIn: 'body' },
    ),
    // The turn's trace id, as Codex writes it on the tool records of a traced turn.
    {
      ...logRecord('codex.tool_result', {
        'conversation.id': session,
        tool_name: 'exec_command',
        call_id: `call-${MARKER}`,
        success: 'true',
        arguments: JSON.stringify({ cmd: `npm test -- ${TOOL_MARKER}` }),
        output: `${text}\nProcess exited with code 0\n`,
      }),
      traceId,
    },
    logRecord('codex.tool_result', {
      'conversation.id': session,
      tool_name: 'apply_patch',
      call_id: `call-p-${MARKER}`,
      success: 'true',
      arguments: JSON.stringify({
        input: `*** Update File: ${TOOL_MARKER}/${TOOL_MARKER}.py\n+${text}`,
      }),
      output: text,
    }),
    logRecord('gemini_cli.tool_call', {
      prompt_id: prompt,
      'event.timestamp': MARKER,
      function_name: 'run_shell_command',
      function_args: JSON.stringify({ command: `go test ./${TOOL_MARKER}/...` }),
      success: true,
    }),
    logRecord('gemini_cli.tool_call', {
      prompt_id: prompt,
      function_name: 'write_file',
      function_args: JSON.stringify({ content: text, file_path: `/w/${TOOL_MARKER}.go` }),
      success: true,
    }),
    logRecord('anything', a[6] ?? {}, { body: { stringValue: MARKER } }),
    logRecord('kv', a[7] ?? {}, {
      body: { kvlistValue: { values: keyValues({ [MARKER]: MARKER }) } },
    }),
  ];
  return [
    { path: '/v1/traces', signal: 'traces' as const, body: tracesRequest(resource, spans) },
    { path: '/v1/logs', signal: 'logs' as const, body: logsRequest(resource, logs) },
  ];
}

/** Every file in a folder, its bytes as latin1 (SQLite keeps text as UTF-8; the marker is ASCII). */
function filesText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name)).toString('latin1'))
    .join('\n');
}

describe('privacy', () => {
  let upstream: RecordingUpstream;
  const diagLines: string[] = [];
  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    const record = (...args: unknown[]) => {
      diagLines.push(
        args.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))).join(' '),
      );
    };
    const logger: DiagLogger = {
      error: record,
      warn: record,
      info: record,
      debug: record,
      verbose: record,
    };
    diag.setLogger(logger, DiagLogLevel.ALL);
  });
  afterAll(async () => {
    diag.disable();
    await upstream.close();
  });

  it('sends only event fields upstream: a marker planted in every other attribute, body and resource attribute, and in the commands, paths, arguments and outputs of tool records (log records and spans, however long), never reaches the wire, an answer or a diag line, and no tool text reaches the spool', async () => {
    let events = 0;
    let joined = 0;
    let spooled = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(exportArb, { minLength: 1, maxLength: 3 }), async (exports) => {
        const spoolDir = mkdtempSync(join(tmpdir(), 'bridge-privacy-spool-'));
        const bridge = await startBridge({
          port: 0,
          taskIdleMs: 60_000,
          spoolDir,
          telemetry: { serverUrl: upstream.url, apiKey: API_KEY, instanceId: INSTANCE },
        });
        for (const x of exports) {
          for (const r of requestsOf(x)) {
            const body = x.protobuf ? toProtobuf(r.signal, r.body) : JSON.stringify(r.body);
            const res = await postOtlp(bridge.url, r.path, body, {
              contentType: x.protobuf ? 'application/x-protobuf' : 'application/json',
            });
            expect(res.status).toBe(200);
            expect(res.body.toString('latin1')).not.toContain(MARKER);
          }
        }
        // The open tasks' records are in the spool now (nothing closed yet), and after closing.
        const open = filesText(spoolDir);
        spooled += open.length;
        expect(open).not.toContain(TOOL_MARKER);
        await bridge.close();
        expect(filesText(spoolDir)).not.toContain(TOOL_MARKER);
        // The tasks their logs opened stay in the spool at close: the next start reports them
        // once they are idle, from what the spool kept.
        const next = await startBridge(spooledBridgeOptions(spoolDir, upstream.url, 20));
        await until(
          () => next.stats.openTasks,
          (open) => open === 0,
        );
        await next.close();
        expect(filesText(spoolDir)).not.toContain(TOOL_MARKER);
        rmSync(spoolDir, { recursive: true, force: true });
        const reported = bridge.stats.tasksReported + next.stats.tasksReported;
        expect(reported).toBeGreaterThanOrEqual(exports.length);
        joined += bridge.stats.dropped.coveredByTraces + next.stats.dropped.coveredByTraces;
      }),
      { numRuns: 40 },
    );
    let gated = 0;
    let withLanguage = 0;
    for (const body of upstream.bodies) {
      const sent = (JSON.parse(body) as { events: DerivedFields[] }).events;
      events += sent.length;
      gated += sent.filter((e) => e.quality_gates_run.length > 0).length;
      withLanguage += sent.filter((e) => e.language !== null).length;
      expect(body).not.toContain(MARKER);
      expect(body).not.toContain(API_KEY);
    }
    expect(events).toBeGreaterThanOrEqual(40);
    // The tool records were read (not ignored): their gates and languages came out, nothing else.
    expect(gated).toBeGreaterThan(0);
    expect(withLanguage).toBeGreaterThan(0);
    // Log-derived tasks were joined into traced ones (Claude Code and Codex exports).
    expect(joined).toBeGreaterThan(0);
    for (const line of diagLines) expect(line).not.toContain(MARKER);
    // The spool held the open tasks (it was read, not empty).
    expect(spooled).toBeGreaterThan(0);
  });
});
