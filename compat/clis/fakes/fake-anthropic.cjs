#!/usr/bin/env node
// Fake Anthropic Messages API on 127.0.0.1 (for Claude Code).
// - POST /v1/messages (stream or not). While the request offers a "Read" tool and carries fewer
//   tool_result blocks than FAKE_TOOL_TURNS (default 1), answer with a tool_use (Read of the next
//   file, or the next FAKE_TOOL_CALLS step); otherwise answer with a short text. Requests without the Read tool get a tiny answer.
// - POST /v1/messages/count_tokens -> {input_tokens}
// Every request (path, headers subset, body) is appended to <outdir>/requests.jsonl and the usage
// numbers it answered with to <outdir>/ground-truth.jsonl.
// usage: node fake-anthropic.js <port> <outdir>
// env:
//   FAKE_MODE=error     the final turn (after the last tool result) answers HTTP 400
//   FAKE_TOOL_TURNS=N   tool-call turns before the final answer (default 1)
//   FAKE_READ_FILE=p    file every Read asks for (default ./hello.txt)
//   FAKE_READ_FILES=[..] JSON array: the file of the i-th Read (the last one repeats)
//   FAKE_TOOL_CALLS=[..] JSON array, one tool call per turn instead of Reads, each
//                       {"shell": cmd} (Bash), {"read": path} (Read) or
//                       {"edit": path, "old": text, "new": text} (Edit); the turns default to
//                       its length
//   FAKE_USAGE={..}     JSON {"turns":[usage of turn 0, 1, ..., final], "other": usage}; missing
//                       entries keep the defaults below
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const port = Number(process.argv[2] || 8787);
const outDir = path.resolve(process.argv[3] || './fake-api');
fs.mkdirSync(outDir, { recursive: true });
const STEPS = process.env.FAKE_TOOL_CALLS ? JSON.parse(process.env.FAKE_TOOL_CALLS) : null;
const TURNS = Math.max(0, Number(process.env.FAKE_TOOL_TURNS || (STEPS ? STEPS.length : 1)));
const FILES = process.env.FAKE_READ_FILES
  ? JSON.parse(process.env.FAKE_READ_FILES)
  : [process.env.FAKE_READ_FILE || path.join(process.cwd(), 'hello.txt')];
const OVERRIDE = process.env.FAKE_USAGE ? JSON.parse(process.env.FAKE_USAGE) : {};

// Known usage numbers, one set per answer kind.
const USAGE = {
  tool_use: {
    input_tokens: 1201,
    output_tokens: 57,
    cache_creation_input_tokens: 301,
    cache_read_input_tokens: 4001,
  },
  final: {
    input_tokens: 1402,
    output_tokens: 23,
    cache_creation_input_tokens: 102,
    cache_read_input_tokens: 4302,
  },
  other: {
    input_tokens: 77,
    output_tokens: 9,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  },
};
function usageFor(kind, turn) {
  if (kind === 'other') return OVERRIDE.other || USAGE.other;
  return (OVERRIDE.turns && OVERRIDE.turns[turn]) || USAGE[kind];
}

let n = 0;
function log(file, obj) {
  fs.appendFileSync(path.join(outDir, file), JSON.stringify(obj) + '\n');
}

function toolResults(messages) {
  let k = 0;
  for (const m of messages || [])
    if (Array.isArray(m.content)) for (const c of m.content) if (c && c.type === 'tool_result') k++;
  return k;
}

// The tool call of turn `turn`: a Read of the next file, or the FAKE_TOOL_CALLS step.
function toolCall(turn) {
  const step = STEPS ? STEPS[Math.min(turn, STEPS.length - 1)] : null;
  if (step && step.shell !== undefined)
    return { name: 'Bash', input: { command: step.shell, description: 'Run the command' } };
  if (step && step.edit !== undefined)
    return {
      name: 'Edit',
      input: { file_path: step.edit, old_string: step.old, new_string: step.new },
    };
  if (step && step.read !== undefined) return { name: 'Read', input: { file_path: step.read } };
  return { name: 'Read', input: { file_path: FILES[Math.min(turn, FILES.length - 1)] } };
}

function plan(body) {
  const tools = (body.tools || []).map((t) => t.name);
  const turn = toolResults(body.messages);
  if (tools.includes('Read') && turn < TURNS) {
    const call = toolCall(turn);
    return {
      kind: 'tool_use',
      turn,
      blocks: [
        { type: 'text', text: 'Next step.' },
        {
          type: 'tool_use',
          id: `toolu_fake_${String(turn + 1).padStart(4, '0')}`,
          name: call.name,
          input: call.input,
        },
      ],
      stop: 'tool_use',
    };
  }
  if (tools.includes('Read')) {
    return {
      kind: 'final',
      turn,
      blocks: [{ type: 'text', text: 'The file says hello. Done.' }],
      stop: 'end_turn',
    };
  }
  return { kind: 'other', turn, blocks: [{ type: 'text', text: 'hi' }], stop: 'end_turn' };
}

function sse(res, event, data) {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
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
    const url = req.url;
    const p = url.split('?')[0];
    const entry = {
      n: id,
      time: new Date().toISOString(),
      method: req.method,
      url,
      headers: {
        'user-agent': req.headers['user-agent'],
        'anthropic-beta': req.headers['anthropic-beta'],
        'anthropic-version': req.headers['anthropic-version'],
        'x-api-key': req.headers['x-api-key'] ? '<set>' : undefined,
        authorization: req.headers.authorization ? '<set>' : undefined,
      },
      body,
    };
    log('requests.jsonl', entry);
    console.log(
      `[fake-anthropic] #${id} ${req.method} ${url} model=${body && body.model} stream=${body && body.stream} tools=${body && body.tools ? body.tools.length : 0}`,
    );

    if (req.method === 'POST' && p === '/v1/messages/count_tokens') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ input_tokens: 123 }));
      return;
    }
    if (req.method === 'POST' && p === '/v1/messages' && body) {
      const pl = plan(body);
      if (process.env.FAKE_MODE === 'error' && pl.turn >= Math.max(1, TURNS)) {
        // error mode: the final turn (after the last tool result) fails with a non-retryable 400
        log('ground-truth.jsonl', {
          n: id,
          model: body.model,
          kind: 'error',
          turn: pl.turn,
          status: 400,
        });
        res.writeHead(400, { 'content-type': 'application/json', 'request-id': `req_fake_${id}` });
        res.end(
          JSON.stringify({
            type: 'error',
            error: { type: 'invalid_request_error', message: 'fake server: deliberate 400' },
          }),
        );
        return;
      }
      const usage = usageFor(pl.kind, pl.turn);
      const model = body.model || 'claude-fake';
      const msgId = `msg_fake_${String(id).padStart(4, '0')}`;
      log('ground-truth.jsonl', {
        n: id,
        msgId,
        model,
        kind: pl.kind,
        turn: pl.turn,
        stream: !!body.stream,
        usage,
        stop_reason: pl.stop,
      });
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_fake_${id}` });
        res.end(
          JSON.stringify({
            id: msgId,
            type: 'message',
            role: 'assistant',
            model,
            content: pl.blocks,
            stop_reason: pl.stop,
            stop_sequence: null,
            usage,
          }),
        );
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'request-id': `req_fake_${id}`,
      });
      sse(res, 'message_start', {
        type: 'message_start',
        message: {
          id: msgId,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: usage.input_tokens,
            cache_creation_input_tokens: usage.cache_creation_input_tokens,
            cache_read_input_tokens: usage.cache_read_input_tokens,
            output_tokens: 1,
          },
        },
      });
      pl.blocks.forEach((b, i) => {
        if (b.type === 'text') {
          sse(res, 'content_block_start', {
            type: 'content_block_start',
            index: i,
            content_block: { type: 'text', text: '' },
          });
          sse(res, 'content_block_delta', {
            type: 'content_block_delta',
            index: i,
            delta: { type: 'text_delta', text: b.text },
          });
        } else {
          sse(res, 'content_block_start', {
            type: 'content_block_start',
            index: i,
            content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} },
          });
          sse(res, 'content_block_delta', {
            type: 'content_block_delta',
            index: i,
            delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input) },
          });
        }
        sse(res, 'content_block_stop', { type: 'content_block_stop', index: i });
      });
      sse(res, 'message_delta', {
        type: 'message_delta',
        delta: { stop_reason: pl.stop, stop_sequence: null },
        usage: { output_tokens: usage.output_tokens },
      });
      sse(res, 'message_stop', { type: 'message_stop' });
      res.end();
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        type: 'error',
        error: { type: 'not_found_error', message: `fake server: no route ${req.method} ${p}` },
      }),
    );
  });
});
server.listen(port, '127.0.0.1', () =>
  console.log(`[fake-anthropic] listening on http://127.0.0.1:${port}`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
