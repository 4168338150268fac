import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A loopback fake of the model APIs the frameworks call: OpenAI Chat Completions
 * (`/v1/chat/completions`), OpenAI Responses (`/v1/responses`) and Anthropic Messages
 * (`/v1/messages`), plain JSON or streamed (SSE), with a tool call when the request offers tools
 * and carries no tool result yet. Every answer reports a usage no other answer reports (it grows
 * with each call), and the fake remembers the usage it answered per task: a request belongs to the
 * task whose marker (`[task:NAME]`) appears in its body. The ground truth of a test is then the sum
 * the fake answered for a task, never a number the test made up.
 */
export interface FakeModelServer {
  /** http://127.0.0.1:PORT (no path). */
  readonly url: string;
  /** Usage answered so far for `task` (failed calls add nothing). */
  answered(task: string): { input: number; output: number; calls: number };
  /** Each call answered for `task` so far, with its breakdown (input and output are totals). */
  answeredCalls(task: string): readonly Usage[];
  /**
   * Makes each answer for `task` report this breakdown inside its usage: cache reads and writes
   * within the input (each API in its own way: OpenAI counts them in `prompt_tokens`, Anthropic
   * reports `input_tokens` without them), reasoning within the output.
   */
  breakdown(task: string, parts: Breakdown): void;
  /** Answers the next `count` requests of `task` with a 500 and no usage. */
  failNext(task: string, count?: number): void;
  /** Forgets what was answered and any failure still scheduled (between tests). */
  reset(): void;
  /** Requests received (every path and task). */
  readonly requests: number;
  close(): Promise<void>;
}

/** The marker a prompt carries so the fake can tell which task a request belongs to. */
export const taskMarker = (task: string): string => `[task:${task}]`;

const MARKER = /\[task:([A-Za-z0-9_-]+)\]/;

/** The response model the API reports for a requested one: dated, as the real APIs do. */
export const datedModel = (model: string): string =>
  /\d{4}-\d{2}-\d{2}$/.test(model) || model.startsWith('claude') ? model : `${model}-2024-07-18`;

/** Parts of a call's usage beyond its input and output totals. */
export interface Breakdown {
  readonly cacheRead?: number;
  readonly cacheWrite?: number;
  readonly reasoning?: number;
}

/** A call's usage: `input` every input token (cached ones included), `output` every output one. */
export interface Usage {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
  readonly reasoning: number;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const json = (body: unknown): Answer => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const sse = (
  events: readonly (readonly [string | undefined, unknown])[],
  done = false,
): Answer => ({
  status: 200,
  headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
  body:
    events
      .map(([event, data]) =>
        event === undefined
          ? `data: ${JSON.stringify(data)}\n\n`
          : `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
      )
      .join('') + (done ? 'data: [DONE]\n\n' : ''),
});

interface Body {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: { type?: string; name?: string; function?: { name?: string } }[];
  messages?: { role?: string; content?: unknown }[];
  input?: unknown;
  response_format?: unknown;
}

/** What the fake answers when asked for JSON (a structured-output request). */
const OBJECT = '{"city":"Paris","weather":"sunny"}';

/** The first offered tool's name, when the request offers tools and holds no tool result yet. */
function toolToCall(body: Body, raw: string): string | undefined {
  const tool = body.tools?.[0];
  if (tool === undefined) return undefined;
  const answered =
    (body.messages ?? []).some((m) => m.role === 'tool') ||
    raw.includes('"function_call_output"') ||
    raw.includes('"tool_result"');
  if (answered) return undefined;
  return tool.function?.name ?? tool.name;
}

function chatCompletion(body: Body, usage: Usage, id: number, tool: string | undefined): Answer {
  const model = datedModel(body.model ?? 'gpt-4o-mini');
  const base = { id: `chatcmpl-${id}`, created: 1_700_000_000, model, system_fingerprint: 'fp' };
  const u = {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    prompt_tokens_details: { cached_tokens: usage.cacheRead },
    completion_tokens_details: { reasoning_tokens: usage.reasoning },
  };
  const toolCall = {
    id: `call_${id}`,
    type: 'function',
    function: { name: tool, arguments: '{"city":"Paris"}' },
  };
  const finish = tool === undefined ? 'stop' : 'tool_calls';
  if (body.stream !== true) {
    const message =
      tool === undefined
        ? {
            role: 'assistant',
            content: body.response_format ? OBJECT : 'It is sunny.',
            refusal: null,
          }
        : { role: 'assistant', content: null, tool_calls: [toolCall], refusal: null };
    return json({
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
      usage: u,
    });
  }
  const chunk = (rest: object) =>
    [undefined, { ...base, object: 'chat.completion.chunk', ...rest }] as const;
  const delta =
    tool === undefined
      ? [
          chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'It is ' } }] }),
          chunk({ choices: [{ index: 0, delta: { content: 'sunny.' } }] }),
        ]
      : [
          chunk({
            choices: [
              { index: 0, delta: { role: 'assistant', tool_calls: [{ index: 0, ...toolCall }] } },
            ],
          }),
        ];
  const events = [...delta, chunk({ choices: [{ index: 0, delta: {}, finish_reason: finish }] })];
  if (body.stream_options?.include_usage === true) events.push(chunk({ choices: [], usage: u }));
  return sse(events, true);
}

function response(body: Body, usage: Usage, id: number, tool: string | undefined): Answer {
  const model = datedModel(body.model ?? 'gpt-4o-mini');
  const item =
    tool === undefined
      ? {
          type: 'message',
          id: `msg_${id}`,
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'It is sunny.', annotations: [], logprobs: [] }],
        }
      : {
          type: 'function_call',
          id: `fc_${id}`,
          call_id: `call_${id}`,
          name: tool,
          arguments: '{"city":"Paris"}',
          status: 'completed',
        };
  const full = {
    id: `resp_${id}`,
    object: 'response',
    created_at: 1_700_000_000,
    status: 'completed',
    error: null,
    incomplete_details: null,
    model,
    output: [item],
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    usage: {
      input_tokens: usage.input,
      input_tokens_details: { cached_tokens: usage.cacheRead },
      output_tokens: usage.output,
      output_tokens_details: { reasoning_tokens: usage.reasoning },
      total_tokens: usage.input + usage.output,
    },
  };
  if (body.stream !== true) return json(full);
  const created = { ...full, status: 'in_progress', output: [], usage: null };
  let n = 0;
  const ev = (type: string, rest: object) =>
    [type, { type, sequence_number: n++, ...rest }] as const;
  const events = [
    ev('response.created', { response: created }),
    ev('response.in_progress', { response: created }),
    ev('response.output_item.added', {
      output_index: 0,
      item:
        tool === undefined
          ? { ...item, status: 'in_progress', content: [] }
          : { ...item, status: 'in_progress', arguments: '' },
    }),
  ];
  if (tool === undefined) {
    events.push(
      ev('response.content_part.added', {
        item_id: item.id,
        output_index: 0,
        content_index: 0,
        part: { type: 'output_text', text: '', annotations: [] },
      }),
      ev('response.output_text.delta', {
        item_id: item.id,
        output_index: 0,
        content_index: 0,
        delta: 'It is sunny.',
        logprobs: [],
      }),
      ev('response.output_text.done', {
        item_id: item.id,
        output_index: 0,
        content_index: 0,
        text: 'It is sunny.',
        logprobs: [],
      }),
      ev('response.content_part.done', {
        item_id: item.id,
        output_index: 0,
        content_index: 0,
        part: { type: 'output_text', text: 'It is sunny.', annotations: [] },
      }),
    );
  } else {
    events.push(
      ev('response.function_call_arguments.delta', {
        item_id: item.id,
        output_index: 0,
        delta: '{"city":"Paris"}',
      }),
      ev('response.function_call_arguments.done', {
        item_id: item.id,
        output_index: 0,
        arguments: '{"city":"Paris"}',
      }),
    );
  }
  events.push(
    ev('response.output_item.done', { output_index: 0, item }),
    ev('response.completed', { response: full }),
  );
  return sse(events);
}

/** Anthropic's input usage: `input_tokens` without the cached tokens, which it reports apart. */
function anthropicInput(usage: Usage): Record<string, number> {
  if (usage.cacheRead === 0 && usage.cacheWrite === 0) return { input_tokens: usage.input };
  return {
    input_tokens: usage.input - usage.cacheRead - usage.cacheWrite,
    cache_creation_input_tokens: usage.cacheWrite,
    cache_read_input_tokens: usage.cacheRead,
  };
}

function message(body: Body, usage: Usage, id: number, tool: string | undefined): Answer {
  const model = body.model ?? 'claude-sonnet-4-5';
  const block =
    tool === undefined
      ? { type: 'text', text: 'It is sunny.' }
      : { type: 'tool_use', id: `toolu_${id}`, name: tool, input: { city: 'Paris' } };
  const stop = tool === undefined ? 'end_turn' : 'tool_use';
  const full = {
    id: `msg_${id}`,
    type: 'message',
    role: 'assistant',
    model,
    content: [block],
    stop_reason: stop,
    stop_sequence: null,
    usage: { ...anthropicInput(usage), output_tokens: usage.output },
  };
  if (body.stream !== true) return json(full);
  const ev = (type: string, rest: object) => [type, { type, ...rest }] as const;
  return sse([
    ev('message_start', {
      message: {
        ...full,
        content: [],
        stop_reason: null,
        usage: { ...anthropicInput(usage), output_tokens: 1 },
      },
    }),
    ev('content_block_start', {
      index: 0,
      content_block: tool === undefined ? { type: 'text', text: '' } : { ...block, input: {} },
    }),
    ev('content_block_delta', {
      index: 0,
      delta:
        tool === undefined
          ? { type: 'text_delta', text: 'It is sunny.' }
          : { type: 'input_json_delta', partial_json: '{"city":"Paris"}' },
    }),
    ev('content_block_stop', { index: 0 }),
    ev('message_delta', {
      delta: { stop_reason: stop, stop_sequence: null },
      usage: { output_tokens: usage.output },
    }),
    ev('message_stop', {}),
  ]);
}

/** Starts the fake on 127.0.0.1. */
export async function startFakeModelServer(): Promise<FakeModelServer> {
  const totals = new Map<string, { input: number; output: number; calls: number }>();
  const calls = new Map<string, Usage[]>();
  const breakdowns = new Map<string, Breakdown>();
  const failures = new Map<string, number>();
  let served = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      const raw = Buffer.concat(chunks).toString('utf8');
      const task = MARKER.exec(raw)?.[1] ?? 'none';
      const send = (answer: Answer) => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      };
      const pending = failures.get(task) ?? 0;
      if (pending > 0) {
        failures.set(task, pending - 1);
        send({
          status: 500,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            error: { message: 'fake failure', type: 'server_error' },
            type: 'error',
          }),
        });
        return;
      }
      let body: Body;
      try {
        body = JSON.parse(raw) as Body;
      } catch {
        send({ status: 400, headers: {}, body: 'not json' });
        return;
      }
      const id = ++served;
      // Distinct per call, so a sum tells which calls were counted.
      const parts = breakdowns.get(task);
      const usage: Usage = {
        input: 1000 + 37 * id + (parts?.cacheRead ?? 0) + (parts?.cacheWrite ?? 0),
        output: 10 + 3 * id + (parts?.reasoning ?? 0),
        cacheRead: parts?.cacheRead ?? 0,
        cacheWrite: parts?.cacheWrite ?? 0,
        reasoning: parts?.reasoning ?? 0,
      };
      const tool = toolToCall(body, raw);
      const path = (req.url ?? '').split('?')[0];
      let answer: Answer;
      if (path?.endsWith('/chat/completions')) answer = chatCompletion(body, usage, id, tool);
      else if (path?.endsWith('/responses')) answer = response(body, usage, id, tool);
      else if (path?.endsWith('/messages')) answer = message(body, usage, id, tool);
      else {
        send({ status: 404, headers: {}, body: `no fake for ${path}` });
        return;
      }
      const total = totals.get(task) ?? { input: 0, output: 0, calls: 0 };
      total.input += usage.input;
      total.output += usage.output;
      total.calls++;
      totals.set(task, total);
      calls.set(task, [...(calls.get(task) ?? []), usage]);
      send(answer);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answered: (task) => ({ ...(totals.get(task) ?? { input: 0, output: 0, calls: 0 }) }),
    answeredCalls: (task) => [...(calls.get(task) ?? [])],
    breakdown(task, parts) {
      breakdowns.set(task, parts);
    },
    failNext(task, count = 1) {
      failures.set(task, (failures.get(task) ?? 0) + count);
    },
    reset() {
      totals.clear();
      calls.clear();
      breakdowns.clear();
      failures.clear();
    },
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
