#!/usr/bin/env node
// Fake Gemini API (generativelanguage v1beta) on 127.0.0.1 for the harness field study.
//   POST /v1beta/models/{model}:streamGenerateContent?alt=sse  (SSE)
//   POST /v1beta/models/{model}:generateContent                (JSON)
//   POST /v1beta/models/{model}:countTokens                    (JSON)
// Turn logic (stateless): while the request declares a read_file tool and the
// contents carry fewer functionResponse parts than FAKE_TOOL_TURNS (default 1) ->
// one functionCall read_file(next file) or the next FAKE_TOOL_CALLS step; otherwise a short final text. Requests
// without tools (routing / classifier / next-speaker checks) get a small JSON-ish
// text answer.
// Every request goes to <outdir>/requests.jsonl, the usage answered to
// <outdir>/ground-truth.jsonl.
// usage: node fake-gemini.js <port> <outdir>
// env:
//   FAKE_MODE=error      the final turn (after the last function response) answers HTTP 400
//   FAKE_TOOL_TURNS=N    tool-call turns before the final answer (default 1)
//   FAKE_READ_FILE=p     file every read_file asks for (default ./hello.txt)
//   FAKE_READ_FILES=[..] JSON array: the file of the i-th read_file (the last one repeats)
//   FAKE_TOOL_CALLS=[..] JSON array, one tool call per turn instead of read_files, each
//                        {"shell": cmd} (run_shell_command), {"read": path} (read_file) or
//                        {"edit": path, "old": text, "new": text} (replace); the turns default to
//                        its length (shell and edit tools are offered with --approval-mode yolo)
//   FAKE_USAGE={..}      JSON {"turns":[usageMetadata of turn 0, 1, ..., final], "other": ...}
//                        without totalTokenCount; missing entries keep the defaults below
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const port = Number(process.argv[2] || 8789);
const outDir = path.resolve(process.argv[3] || './fake-api');
fs.mkdirSync(outDir, { recursive: true });
const STEPS = process.env.FAKE_TOOL_CALLS ? JSON.parse(process.env.FAKE_TOOL_CALLS) : null;
const TURNS = Math.max(0, Number(process.env.FAKE_TOOL_TURNS || (STEPS ? STEPS.length : 1)));
const FILES = process.env.FAKE_READ_FILES
  ? JSON.parse(process.env.FAKE_READ_FILES)
  : [process.env.FAKE_READ_FILE || path.join(process.cwd(), 'hello.txt')];
const OVERRIDE = process.env.FAKE_USAGE ? JSON.parse(process.env.FAKE_USAGE) : {};

// Known usage numbers. promptTokenCount INCLUDES cachedContentTokenCount (Gemini convention).
const USAGE = {
  tool_call: {
    promptTokenCount: 3101,
    cachedContentTokenCount: 1024,
    candidatesTokenCount: 41,
    thoughtsTokenCount: 13,
  },
  final: {
    promptTokenCount: 3202,
    cachedContentTokenCount: 2048,
    candidatesTokenCount: 19,
    thoughtsTokenCount: 7,
  },
  other: {
    promptTokenCount: 66,
    cachedContentTokenCount: 0,
    candidatesTokenCount: 5,
    thoughtsTokenCount: 0,
  },
};
function usageFor(kind, turn) {
  if (kind === 'other') return OVERRIDE.other || USAGE.other;
  return (OVERRIDE.turns && OVERRIDE.turns[turn]) || USAGE[kind];
}
function usageMeta(u) {
  return {
    ...u,
    totalTokenCount: u.promptTokenCount + u.candidatesTokenCount + u.thoughtsTokenCount,
  };
}

let n = 0;
function log(file, obj) {
  fs.appendFileSync(path.join(outDir, file), JSON.stringify(obj) + '\n');
}

function decls(body) {
  const out = [];
  for (const t of body.tools || []) for (const d of t.functionDeclarations || []) out.push(d);
  return out;
}
// How many function responses the request carries (= tool calls answered so far).
function functionResponses(body) {
  let k = 0;
  for (const c of body.contents || []) for (const p of c.parts || []) if (p.functionResponse) k++;
  return k;
}

// The first required parameter of a declared function (its path or command argument).
function firstParam(decl, fallback) {
  const schema = decl?.parametersJsonSchema || decl?.parameters || {};
  return schema.required?.[0] || fallback;
}

// The function call of turn `turn`: a read_file of the next file, or the FAKE_TOOL_CALLS step.
function toolCall(ds, turn) {
  const rf = ds.find((d) => d.name === 'read_file');
  const step = STEPS ? STEPS[Math.min(turn, STEPS.length - 1)] : null;
  if (step && step.shell !== undefined)
    return { name: 'run_shell_command', args: { command: step.shell } };
  if (step && step.edit !== undefined) {
    const edit = ds.find((d) => d.name === 'replace') || ds.find((d) => d.name === 'edit');
    const args = {
      [firstParam(edit, 'file_path')]: step.edit,
      old_string: step.old,
      new_string: step.new,
    };
    const schema = edit?.parametersJsonSchema || edit?.parameters || {};
    if ((schema.required || []).includes('instruction')) args.instruction = 'Apply the change.';
    return { name: edit ? edit.name : 'replace', args };
  }
  const file =
    step && step.read !== undefined ? step.read : FILES[Math.min(turn, FILES.length - 1)];
  return { name: 'read_file', args: { [firstParam(rf, 'file_path')]: file } };
}

function plan(body) {
  const ds = decls(body);
  const rf = ds.find((d) => d.name === 'read_file');
  const turn = functionResponses(body);
  if (rf && turn < TURNS) {
    return {
      kind: 'tool_call',
      turn,
      parts: [{ functionCall: toolCall(ds, turn) }],
      finish: 'STOP',
    };
  }
  if (rf)
    return {
      kind: 'final',
      turn,
      parts: [{ text: 'hello.txt says: hello from the harness study. Done.' }],
      finish: 'STOP',
    };
  const gc = body.generationConfig || body.config || {};
  const wantsJson =
    gc.responseMimeType === 'application/json' || gc.responseJsonSchema || gc.responseSchema;
  return {
    kind: 'other',
    turn,
    parts: [
      {
        text: wantsJson
          ? JSON.stringify({
              reasoning: 'fake',
              model_choice: 'flash',
              next_speaker: 'user',
              complexity_reasoning: 'simple',
              complexity_score: 1,
            })
          : 'ok',
      },
    ],
    finish: 'STOP',
  };
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
        'x-goog-api-client': req.headers['x-goog-api-client'],
        'x-goog-api-key': req.headers['x-goog-api-key'] ? '<set>' : undefined,
        traceparent: req.headers.traceparent,
      },
      body: body || (raw ? raw.slice(0, 2000) : undefined),
    });
    const m = /\/models\/([^/:]+):(streamGenerateContent|generateContent|countTokens)$/.exec(p);
    console.log(
      `[fake-gemini] #${id} ${req.method} ${req.url} tools=${
        body
          ? decls(body)
              .map((d) => d.name)
              .join(',') || '-'
          : '-'
      }`,
    );
    if (req.method === 'POST' && m && body) {
      const model = m[1];
      if (m[2] === 'countTokens') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ totalTokens: 111 }));
        return;
      }
      if (process.env.FAKE_MODE === 'error' && functionResponses(body) >= Math.max(1, TURNS)) {
        log('ground-truth.jsonl', { n: id, model, kind: 'error', status: 400 });
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: {
              code: 400,
              message: 'fake server: deliberate 400',
              status: 'INVALID_ARGUMENT',
            },
          }),
        );
        return;
      }
      const pl = plan(body);
      const um = usageMeta(usageFor(pl.kind, pl.turn));
      const responseId = `resp_fake_${String(id).padStart(4, '0')}`;
      log('ground-truth.jsonl', {
        n: id,
        model,
        method: m[2],
        kind: pl.kind,
        turn: pl.turn,
        responseId,
        usageMetadata: um,
      });
      const full = {
        candidates: [
          { content: { role: 'model', parts: pl.parts }, finishReason: pl.finish, index: 0 },
        ],
        usageMetadata: um,
        modelVersion: model,
        responseId,
      };
      if (m[2] === 'generateContent') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(full));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      // One chunk carrying parts, finishReason and the final usage numbers.
      res.write(`data: ${JSON.stringify(full)}\n\n`);
      res.end();
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: {
          code: 404,
          message: `fake server: no route ${req.method} ${p}`,
          status: 'NOT_FOUND',
        },
      }),
    );
  });
});
server.listen(port, '127.0.0.1', () =>
  console.log(`[fake-gemini] listening on http://127.0.0.1:${port}`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
