#!/usr/bin/env node
// Fake OpenAI API on 127.0.0.1 for the harness field study.
// Speaks just enough of:
//   POST /v1/responses            (Responses API, SSE when stream=true)
//   POST /v1/chat/completions     (Chat Completions, SSE when stream=true)
//   GET  /v1/models               (model list)
// Turn logic (stateless, from the request): while the request offers a shell-ish
// tool and carries fewer tool outputs than FAKE_TOOL_TURNS (default 1) -> answer
// with ONE function call (default `cat hello.txt`); otherwise answer with a short
// final text. Requests without tools (titles, summaries) get a tiny text answer.
// Every request is appended to <outdir>/requests.jsonl and the usage numbers it
// answered with to <outdir>/ground-truth.jsonl.
// usage: node fake-openai.js <port> <outdir>
// env:
//   FAKE_MODE=error      the final turn (after the last tool output) answers HTTP 400
//   FAKE_TOOL_TURNS=N    tool-call turns before the final answer (default 1)
//   FAKE_SHELL_CMD=cmd   command every tool call runs (default `cat hello.txt`)
//   FAKE_SHELL_CMDS=[..] JSON array: the command of the i-th tool call (the last one repeats)
//   FAKE_WORKDIR=dir     folder of hello.txt for a `read` tool (default: the current directory)
//   FAKE_READ_FILES=[..] JSON array: the first tool calls read these files, one each, with the
//                        CLI's read tool (`read_file`, `view`, `read`); the later ones run commands
//   FAKE_TOOL_CALLS=[..] JSON array, one tool call per turn instead of FAKE_SHELL_CMDS, each
//                        {"shell": cmd}, {"read": path} or {"edit": path, "old": text, "new": text}:
//                        a shell step runs in the offered shell tool; read and edit use the
//                        CLI's read tool (`read`, `read_file`, `view`) and `edit` tool, or Codex's
//                        `apply_patch` for an edit (a read is then `cat`); the turns default to
//                        its length
//   FAKE_MODEL=name      answer with this model name instead of the requested one
//   FAKE_USAGE={..}      JSON {"turns":[usage of turn 0, 1, ..., final], "other": usage}, each
//                        {input, cached, output, reasoning}; missing entries keep the defaults below
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const port = Number(process.argv[2] || 8788);
const outDir = path.resolve(process.argv[3] || './fake-api');
fs.mkdirSync(outDir, { recursive: true });
const MODEL_OVERRIDE = process.env.FAKE_MODEL || null;

// Known usage numbers. input_tokens INCLUDES cached tokens (OpenAI convention).
const USAGE = {
  tool_call: { input: 2101, cached: 1500, output: 61, reasoning: 17 },
  final: { input: 2302, cached: 2048, output: 29, reasoning: 5 },
  other: { input: 88, cached: 0, output: 7, reasoning: 0 },
};

const STEPS = process.env.FAKE_TOOL_CALLS ? JSON.parse(process.env.FAKE_TOOL_CALLS) : null;
const TURNS = Math.max(0, Number(process.env.FAKE_TOOL_TURNS || (STEPS ? STEPS.length : 1)));
const OVERRIDE = process.env.FAKE_USAGE ? JSON.parse(process.env.FAKE_USAGE) : {};
function usageFor(kind, turn) {
  if (kind === 'other') return OVERRIDE.other || USAGE.other;
  return (OVERRIDE.turns && OVERRIDE.turns[turn]) || USAGE[kind];
}

let n = 0;
function log(file, obj) {
  fs.appendFileSync(path.join(outDir, file), JSON.stringify(obj) + '\n');
}

function toolNames(body) {
  return (body.tools || [])
    .map((t) => t.name || (t.function && t.function.name) || t.type)
    .filter(Boolean);
}
// Pick a shell tool and build its arguments (the command of tool call number `turn`).
const SHELL_CMDS = process.env.FAKE_SHELL_CMDS
  ? JSON.parse(process.env.FAKE_SHELL_CMDS)
  : [process.env.FAKE_SHELL_CMD || 'cat hello.txt'];
const READ_FILES = process.env.FAKE_READ_FILES ? JSON.parse(process.env.FAKE_READ_FILES) : [];
function readCall(names, file) {
  if (names.includes('read_file')) return { name: 'read_file', args: { file_path: file } };
  if (names.includes('view')) return { name: 'view', args: { path: file } };
  if (names.includes('read')) return { name: 'read', args: { filePath: file } };
  return null;
}
function shellCall(names, turn, body) {
  const step = STEPS ? STEPS[Math.min(turn, STEPS.length - 1)] : null;
  if (step) {
    const call = stepCall(names, step, body);
    if (call) return call;
  }
  const pick = (nm) => names.includes(nm);
  if (!step && turn < READ_FILES.length && readCall(names, READ_FILES[turn]))
    return readCall(names, READ_FILES[turn]);
  const cmd = step
    ? step.shell || `cat ${step.read || step.edit}`
    : SHELL_CMDS[Math.min(Math.max(0, turn - READ_FILES.length), SHELL_CMDS.length - 1)];
  if (pick('run_shell_command')) return { name: 'run_shell_command', args: { command: cmd } };
  if (pick('exec_command')) return { name: 'exec_command', args: { cmd } };
  if (pick('shell_command')) return { name: 'shell_command', args: { command: cmd } };
  if (pick('shell')) return { name: 'shell', args: { command: ['bash', '-lc', cmd] } };
  if (pick('bash')) return { name: 'bash', args: { command: cmd, description: 'Run the command' } };
  if (pick('Bash')) return { name: 'Bash', args: { command: cmd } }; // Continue CLI
  if (pick('read'))
    return {
      name: 'read',
      args: { filePath: path.join(process.env.FAKE_WORKDIR || process.cwd(), 'hello.txt') },
    };
  return null;
}
// The first of `keys` that an offered tool's JSON schema names as a parameter, else keys[0].
function paramOf(tool, keys) {
  const props = ((tool.function || tool).parameters || {}).properties || {};
  return keys.find((k) => k in props) || keys[0];
}
// A FAKE_TOOL_CALLS read or edit as the tool the CLI offers for it, or null (then a shell command):
// `read` (OpenCode), `read_file` (Qwen Code), `view` (Copilot CLI); an `edit` with the parameter
// names its schema gives (OpenCode `filePath`/`oldString`/`newString`, Qwen Code `file_path`/
// `old_string`/`new_string`, Copilot CLI `path`/`old_str`/`new_str`); or an `apply_patch` patch,
// freeform (Codex's custom tool) or as the first argument of a function (OpenCode with GPT
// models: `patchText`).
function stepCall(names, step, body) {
  const rel = (p) => path.relative(process.env.FAKE_WORKDIR || process.cwd(), p);
  if (step.read !== undefined && names.includes('read'))
    return { name: 'read', args: { filePath: step.read } };
  if (step.read !== undefined && readCall(names, step.read)) return readCall(names, step.read);
  const editTool = (body.tools || []).find((t) => (t.name || t.function?.name) === 'edit');
  if (step.edit !== undefined && editTool)
    return {
      name: 'edit',
      args: {
        [paramOf(editTool, ['filePath', 'file_path', 'path'])]: step.edit,
        [paramOf(editTool, ['oldString', 'old_string', 'old_str'])]: step.old,
        [paramOf(editTool, ['newString', 'new_string', 'new_str'])]: step.new,
      },
    };
  const patchTool = (body.tools || []).find((t) => (t.name || t.function?.name) === 'apply_patch');
  if (step.edit !== undefined && patchTool) {
    const patch = [
      '*** Begin Patch',
      `*** Update File: ${rel(step.edit)}`,
      '@@',
      ...step.old.split('\n').map((l) => `-${l}`),
      ...step.new.split('\n').map((l) => `+${l}`),
      '*** End Patch',
      '',
    ].join('\n');
    if (patchTool.type === 'custom') return { name: 'apply_patch', custom: true, args: patch };
    const schema = (patchTool.function || patchTool).parameters || {};
    const param = schema.required?.[0] || 'input';
    return { name: 'apply_patch', args: { [param]: patch } };
  }
  return null;
}
// How many tool outputs the request carries (= how many tool calls were answered so far).
function toolOutputsResponses(body) {
  const input = Array.isArray(body.input) ? body.input : [];
  return input.filter(
    (it) =>
      it &&
      (it.type === 'function_call_output' ||
        it.type === 'custom_tool_call_output' ||
        it.type === 'local_shell_call_output'),
  ).length;
}
function toolOutputsChat(body) {
  return (body.messages || []).filter((m) => m && m.role === 'tool').length;
}

function plan(names, outputs, body) {
  const call = shellCall(names, outputs, body);
  if (call && outputs < TURNS) return { kind: 'tool_call', turn: outputs, call, text: null };
  if (call)
    return {
      kind: 'final',
      turn: outputs,
      text: 'hello.txt says: hello from the harness study. Done.',
    };
  return { kind: 'other', turn: outputs, text: 'Fake title' };
}

function sseData(res, event, data) {
  if (event) res.write(`event: ${event}\n`);
  res.write(`data: ${JSON.stringify(data)}\n\n`);
}

function handleResponses(req, res, body, id) {
  const names = toolNames(body);
  const pl = plan(names, toolOutputsResponses(body), body);
  const u = usageFor(pl.kind, pl.turn);
  const model = MODEL_OVERRIDE || body.model || 'gpt-fake';
  const respId = `resp_fake_${String(id).padStart(4, '0')}`;
  const usage = {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cached },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: u.input + u.output,
  };
  log('ground-truth.jsonl', {
    n: id,
    api: 'responses',
    respId,
    model,
    kind: pl.kind,
    turn: pl.turn,
    tool: pl.call && pl.call.name,
    usage,
  });
  const items = [];
  if (pl.kind === 'tool_call' && pl.call.custom) {
    items.push({
      type: 'custom_tool_call',
      id: `ctc_fake_${id}`,
      status: 'completed',
      call_id: `call_fake_${id}`,
      name: pl.call.name,
      input: pl.call.args,
    });
  } else if (pl.kind === 'tool_call') {
    items.push({
      type: 'function_call',
      id: `fc_fake_${id}`,
      status: 'completed',
      call_id: `call_fake_${id}`,
      name: pl.call.name,
      arguments: JSON.stringify(pl.call.args),
    });
  } else {
    items.push({
      type: 'message',
      id: `msg_fake_${id}`,
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: pl.text, annotations: [] }],
    });
  }
  const response = {
    id: respId,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model,
    output: items,
    usage,
  };
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_fake_${id}` });
    res.end(JSON.stringify(response));
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'x-request-id': `req_fake_${id}`,
  });
  let seqNo = 0;
  const ev = (type, extra) => sseData(res, type, { type, sequence_number: seqNo++, ...extra });
  ev('response.created', {
    response: { ...response, status: 'in_progress', output: [], usage: null },
  });
  ev('response.in_progress', {
    response: { ...response, status: 'in_progress', output: [], usage: null },
  });
  items.forEach((it, i) => {
    if (it.type === 'message') {
      ev('response.output_item.added', {
        output_index: i,
        item: { ...it, status: 'in_progress', content: [] },
      });
      ev('response.content_part.added', {
        item_id: it.id,
        output_index: i,
        content_index: 0,
        part: { type: 'output_text', text: '', annotations: [] },
      });
      ev('response.output_text.delta', {
        item_id: it.id,
        output_index: i,
        content_index: 0,
        delta: it.content[0].text,
      });
      ev('response.output_text.done', {
        item_id: it.id,
        output_index: i,
        content_index: 0,
        text: it.content[0].text,
      });
      ev('response.content_part.done', {
        item_id: it.id,
        output_index: i,
        content_index: 0,
        part: it.content[0],
      });
    } else if (it.type === 'custom_tool_call') {
      ev('response.output_item.added', {
        output_index: i,
        item: { ...it, status: 'in_progress', input: '' },
      });
      ev('response.custom_tool_call_input.delta', {
        item_id: it.id,
        output_index: i,
        delta: it.input,
      });
      ev('response.custom_tool_call_input.done', {
        item_id: it.id,
        output_index: i,
        input: it.input,
      });
    } else {
      ev('response.output_item.added', {
        output_index: i,
        item: { ...it, status: 'in_progress', arguments: '' },
      });
      ev('response.function_call_arguments.delta', {
        item_id: it.id,
        output_index: i,
        delta: it.arguments,
      });
      ev('response.function_call_arguments.done', {
        item_id: it.id,
        output_index: i,
        arguments: it.arguments,
      });
    }
    ev('response.output_item.done', { output_index: i, item: it });
  });
  ev('response.completed', { response });
  res.end();
}

function handleChat(req, res, body, id) {
  const names = toolNames(body);
  const pl = plan(names, toolOutputsChat(body), body);
  const u = usageFor(pl.kind, pl.turn);
  const model = MODEL_OVERRIDE || body.model || 'gpt-fake';
  const cid = `chatcmpl_fake_${String(id).padStart(4, '0')}`;
  const usage = {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cached },
    completion_tokens_details: { reasoning_tokens: u.reasoning },
  };
  log('ground-truth.jsonl', {
    n: id,
    api: 'chat',
    id: cid,
    model,
    kind: pl.kind,
    turn: pl.turn,
    tool: pl.call && pl.call.name,
    usage,
  });
  const created = Math.floor(Date.now() / 1000);
  const toolCalls =
    pl.kind === 'tool_call'
      ? [
          {
            id: `call_fake_${id}`,
            type: 'function',
            function: { name: pl.call.name, arguments: JSON.stringify(pl.call.args) },
          },
        ]
      : null;
  const finish = toolCalls ? 'tool_calls' : 'stop';
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: cid,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: pl.text,
              ...(toolCalls && { tool_calls: toolCalls }),
            },
            finish_reason: finish,
          },
        ],
        usage,
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta, fr, extra) =>
    sseData(res, null, {
      id: cid,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: fr }],
      ...extra,
    });
  chunk({ role: 'assistant', content: '' }, null);
  if (toolCalls) {
    chunk(
      {
        tool_calls: [
          {
            index: 0,
            id: toolCalls[0].id,
            type: 'function',
            function: { name: toolCalls[0].function.name, arguments: '' },
          },
        ],
      },
      null,
    );
    chunk(
      { tool_calls: [{ index: 0, function: { arguments: toolCalls[0].function.arguments } }] },
      null,
    );
  } else {
    chunk({ content: pl.text }, null);
  }
  chunk({}, finish);
  // usage chunk (stream_options.include_usage style)
  sseData(res, null, {
    id: cid,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [],
    usage,
  });
  res.write('data: [DONE]\n\n');
  res.end();
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    let body = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      /* not json */
    }
    const id = ++n;
    const p = req.url.split('?')[0];
    log('requests.jsonl', {
      n: id,
      time: new Date().toISOString(),
      method: req.method,
      url: req.url,
      headers: {
        'user-agent': req.headers['user-agent'],
        originator: req.headers.originator,
        'content-type': req.headers['content-type'],
        authorization: req.headers.authorization ? '<set>' : undefined,
        traceparent: req.headers.traceparent,
        session_id: req.headers.session_id,
      },
      body: body || (raw ? raw.slice(0, 2000) : undefined),
    });
    console.log(
      `[fake-openai] #${id} ${req.method} ${req.url} model=${body && body.model} stream=${body && body.stream} tools=${body && body.tools ? toolNames(body).join(',') : '-'}`,
    );
    if (req.method === 'GET' && /\/models$/.test(p)) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data: [
            { id: MODEL_OVERRIDE || 'gpt-fake', object: 'model', created: 0, owned_by: 'fake' },
          ],
        }),
      );
      return;
    }
    if (
      req.method === 'POST' &&
      body &&
      process.env.FAKE_MODE === 'error' &&
      Math.max(toolOutputsResponses(body), toolOutputsChat(body)) >= Math.max(1, TURNS)
    ) {
      // error mode: the final turn (after the last tool output) fails with a non-retryable 400
      log('ground-truth.jsonl', { n: id, model: body.model, kind: 'error', status: 400 });
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            message: 'fake server: deliberate 400',
            type: 'invalid_request_error',
            code: 'fake_error',
          },
        }),
      );
      return;
    }
    if (req.method === 'POST' && /\/responses$/.test(p) && body)
      return handleResponses(req, res, body, id);
    if (req.method === 'POST' && /\/chat\/completions$/.test(p) && body)
      return handleChat(req, res, body, id);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: {
          message: `fake server: no route ${req.method} ${p}`,
          type: 'invalid_request_error',
        },
      }),
    );
  });
});
server.listen(port, '127.0.0.1', () =>
  console.log(`[fake-openai] listening on http://127.0.0.1:${port}`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
