import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBridge } from '../src/start-bridge.js';
import type { Bridge } from '../src/types.js';
import { hex, logRecord, logsRequest } from './support/otlp-json.js';
import { postOtlp } from './support/post-otlp.js';
import { type RecordingUpstream, startRecordingUpstream } from './support/recording-upstream.js';

const API_KEY = 'cd'.repeat(32);
const INSTANCE = '3f1c9a52-7d4e-4b8a-9c21-5e6f7a8b9c0d';

interface WireEvent {
  quality_gate_passed: boolean;
  quality_gates_run: string[];
  quality_gates_failed: string[];
  language: string | null;
  actual_cost_usd_micros: number | null;
}

let upstream: RecordingUpstream;
let bridge: Bridge;

beforeEach(async () => {
  upstream = await startRecordingUpstream();
  bridge = await startBridge({
    port: 0,
    grpcPort: false,
    taskIdleMs: 60_000,
    telemetry: { serverUrl: upstream.url, apiKey: API_KEY, instanceId: INSTANCE },
  });
});

afterEach(async () => {
  await bridge.close();
  await upstream.close();
});

/** Sends log records of one resource, closes the bridge and returns the events it delivered. */
async function eventsOf(
  resource: Record<string, unknown>,
  records: ReadonlyArray<Record<string, unknown>>,
): Promise<WireEvent[]> {
  const res = await postOtlp(
    bridge.url,
    '/v1/logs',
    JSON.stringify(logsRequest(resource, records)),
  );
  expect(res.status).toBe(200);
  await bridge.close();
  return upstream.bodies.flatMap((b) => (JSON.parse(b) as { events: WireEvent[] }).events);
}

const T0 = Date.now() - 60_000;

describe('Claude Code (tool details on: OTEL_LOG_TOOL_DETAILS=1)', () => {
  const session = `s-${hex(4)}`;
  const prompt = `p-${hex(4)}`;
  const ids = { 'session.id': session, 'prompt.id': prompt };
  const resource = { 'service.name': 'claude-code' };
  const apiRequest = logRecord(
    'api_request',
    { ...ids, model: 'claude-sonnet-4-5', input_tokens: 10, output_tokens: 5, cost_usd: 0.0123 },
    { timeMs: T0 + 9_000 },
  );
  const tool = (seq: number, name: string, input: Record<string, unknown>, success: boolean) =>
    logRecord(
      'tool_result',
      {
        ...ids,
        tool_name: name,
        tool_use_id: `toolu_${seq}`,
        success: String(success),
        tool_input: JSON.stringify(input),
      },
      { timeMs: T0 + seq * 100 },
    );

  it('derives gates from Bash commands (a passing pnpm test, a failing pnpm lint) and the language from files, edits winning a tie; its own cost_usd wins', async () => {
    const [event] = await eventsOf(resource, [
      tool(1, 'Read', { file_path: '/repo/tools/gen.py' }, true),
      tool(2, 'Read', { file_path: '/repo/tools/check.py' }, true),
      tool(3, 'Edit', { file_path: '/repo/src/app.ts', old_string: 'a', new_string: 'b' }, true),
      tool(4, 'Write', { file_path: '/repo/src/util.ts', content: 'x' }, true),
      tool(5, 'Bash', { command: 'pnpm test', description: 'run tests' }, true),
      tool(6, 'Bash', { command: 'cd /repo && pnpm lint' }, false),
      tool(7, 'Bash', { command: 'cat test.txt' }, false),
      apiRequest,
    ]);
    expect(event?.quality_gates_run).toEqual(['lint', 'test']);
    expect(event?.quality_gates_failed).toEqual(['lint']);
    expect(event?.quality_gate_passed).toBe(false);
    // Two Python files read, two TypeScript files edited: a tie on files goes to the edits.
    expect(event?.language).toBe('typescript');
    expect(event?.actual_cost_usd_micros).toBe(12_300);
    expect(bridge.stats.tasksUncosted).toBe(0);
  });

  it('a lint fixed and re-run passes; tool_parameters (bash_command / full_command) are read too', async () => {
    const params = (seq: number, command: string, success: boolean) =>
      logRecord(
        'claude_code.tool_result',
        {
          ...ids,
          tool_name: 'Bash',
          tool_use_id: `toolu_${seq}`,
          success,
          tool_parameters: JSON.stringify({ bash_command: 'pnpm', full_command: command }),
        },
        { timeMs: T0 + seq * 100, nameIn: 'body' },
      );
    const [event] = await eventsOf(resource, [
      params(1, 'pnpm lint', false),
      params(2, 'pnpm lint', true),
      apiRequest,
    ]);
    expect(event?.quality_gates_run).toEqual(['lint']);
    expect(event?.quality_gates_failed).toEqual([]);
    expect(event?.quality_gate_passed).toBe(true);
  });

  it('without tool details (the default: no tool_input) keeps today’s fields', async () => {
    const bare = logRecord(
      'tool_result',
      { ...ids, tool_name: 'Bash', tool_use_id: 'toolu_1', success: 'true', duration_ms: '21' },
      { timeMs: T0 },
    );
    const [event] = await eventsOf(resource, [bare, apiRequest]);
    expect(event?.quality_gates_run).toEqual([]);
    expect(event?.quality_gate_passed).toBe(false);
    expect(event?.language).toBeNull();
  });

  it('an api_request without cost_usd is priced from its four token counts', async () => {
    const [event] = await eventsOf(resource, [
      logRecord(
        'api_request',
        {
          ...ids,
          model: 'claude-sonnet-4-20250514',
          input_tokens: 1_200,
          cache_creation_tokens: 20_000,
          cache_read_tokens: 150_000,
          output_tokens: 2_500,
        },
        { timeMs: T0 },
      ),
    ]);
    // USD per million: input 3, cache write 3.75, cache read 0.3, output 15:
    // 1,200 x 3 + 20,000 x 3.75 + 150,000 x 0.3 + 2,500 x 15 = 161,100 micros.
    expect(event?.actual_cost_usd_micros).toBe(161_100);
  });

  it('explicit mosaic.quality.* and mosaic.task.language resource attributes win', async () => {
    const [event] = await eventsOf(
      {
        ...resource,
        'mosaic.quality.gates_run': ['build'],
        'mosaic.quality.passed': true,
        'mosaic.task.language': 'rust',
      },
      [
        tool(1, 'Bash', { command: 'pnpm lint' }, false),
        tool(2, 'Edit', { file_path: 'a.ts' }, true),
        apiRequest,
      ],
    );
    expect(event?.quality_gates_run).toEqual(['build']);
    expect(event?.quality_gates_failed).toEqual([]);
    expect(event?.quality_gate_passed).toBe(true);
    expect(event?.language).toBe('rust');
  });
});

describe('Codex CLI (logs only)', () => {
  const conversation = `c-${hex(4)}`;
  const resource = { 'service.name': 'codex_exec' };
  const completed = (model: string, timeMs: number) =>
    logRecord(
      'codex.sse_event',
      {
        'event.kind': 'response.completed',
        'conversation.id': conversation,
        'event.timestamp': new Date(timeMs).toISOString(),
        model,
        input_token_count: '32000',
        cached_token_count: '24000',
        cache_write_token_count: '0',
        output_token_count: '3000',
        reasoning_token_count: '2000',
      },
      { timeMs },
    );
  const toolResult = (seq: number, tool: string, args: unknown, output: string) =>
    logRecord(
      'codex.tool_result',
      {
        'conversation.id': conversation,
        'event.timestamp': new Date(T0 + seq * 100).toISOString(),
        tool_name: tool,
        call_id: `call_${seq}`,
        success: 'true',
        arguments: typeof args === 'string' ? args : JSON.stringify(args),
        output,
      },
      { timeMs: T0 + seq * 100 },
    );

  it('prices each response from its token breakdown and derives gates (exit code in the output) and language (apply_patch files)', async () => {
    const patch = '*** Begin Patch\n*** Update File: src/main.rs\n@@\n-a\n+b\n*** End Patch';
    const [event] = await eventsOf(resource, [
      completed('gpt-5', T0),
      toolResult(1, 'exec_command', { cmd: 'cargo test' }, 'Process exited with code 101\n'),
      toolResult(2, 'apply_patch', { input: patch }, 'Success.'),
      toolResult(
        3,
        'shell',
        { command: ['bash', '-lc', 'cargo clippy -- -D warnings'] },
        'Exit code: 0',
      ),
      completed('gpt-5', T0 + 1_000),
    ]);
    // gpt-5 at USD 1.25 / 0.125 (cached) / 10 per million input / output tokens; reasoning is
    // inside the output: (32,000 - 24,000) x 1.25 + 24,000 x 0.125 + 3,000 x 10 = 43,000 micros
    // per response, two responses.
    expect(event?.actual_cost_usd_micros).toBe(2 * 43_000);
    expect(event?.quality_gates_run).toEqual(['lint', 'test']);
    expect(event?.quality_gates_failed).toEqual(['test']);
    expect(event?.quality_gate_passed).toBe(false);
    expect(event?.language).toBe('rust');
    expect(bridge.stats.tasksUncosted).toBe(0);
  });

  it('a model the price table does not know costs 0 and counts in stats.tasksUncosted', async () => {
    const [event] = await eventsOf(resource, [completed('gpt-zz-unreleased', T0)]);
    expect(event?.actual_cost_usd_micros).toBe(0);
    expect(bridge.stats.tasksUncosted).toBe(1);
  });
});

describe('Gemini CLI (logs)', () => {
  const session = `s-${hex(4)}`;
  const prompt = `p-${hex(4)}`;
  const resource = { 'service.name': 'gemini-cli', 'session.id': session };
  const toolCall = (seq: number, name: string, args: Record<string, unknown>, success: boolean) =>
    logRecord(
      'gemini_cli.tool_call',
      {
        'session.id': session,
        prompt_id: prompt,
        'event.timestamp': new Date(T0 + seq * 100).toISOString(),
        function_name: name,
        function_args: JSON.stringify(args),
        success,
      },
      { timeMs: T0 + seq * 100 },
    );

  it('prices api_response from input / cached / output / thoughts and derives gates and language from tool calls', async () => {
    const [event] = await eventsOf(resource, [
      toolCall(1, 'read_file', { absolute_path: '/w/cmd/app/main.go' }, true),
      toolCall(2, 'replace', { file_path: '/w/cmd/app/main.go', old_string: 'a' }, true),
      toolCall(3, 'read_file', { absolute_path: '/w/README.md' }, true),
      toolCall(4, 'run_shell_command', { command: 'go build ./... && go test ./...' }, true),
      logRecord(
        'gemini_cli.api_response',
        {
          'session.id': session,
          prompt_id: prompt,
          'event.timestamp': new Date(T0 + 5_000).toISOString(),
          model: 'gemini-2.5-pro',
          input_token_count: 12_000,
          cached_content_token_count: 4_000,
          output_token_count: 800,
          thoughts_token_count: 1_200,
          status_code: 200,
        },
        { timeMs: T0 + 5_000 },
      ),
    ]);
    // gemini-2.5-pro (<= 200k input) at USD 1.25 / 0.125 (cached) / 10 per million; thoughts
    // at the output price: 8,000 x 1.25 + 4,000 x 0.125 + (800 + 1,200) x 10 = 30,500 micros.
    expect(event?.actual_cost_usd_micros).toBe(30_500);
    expect(event?.quality_gates_run).toEqual(['build', 'test']);
    expect(event?.quality_gates_failed).toEqual([]);
    expect(event?.quality_gate_passed).toBe(true);
    expect(event?.language).toBe('go');
  });
});
