// (e) Bridge ingest: OTLP/protobuf spans per CPU-second of the bridge's process (HTTP server,
// gunzip, decode, normalise, dialects, task close, delivery to a sink in another process) vs
// decoding the same payloads alone with protobufjs and the same .proto files, every field of every
// span (what reading the payload costs at all), in the same run, with and without gzip. The
// bridge itself decodes only the head of a span no dialect reads (`LazyTraceTypes`). The sender
// runs in another process (this script forked with --sender), so its CPU is not the bridge's; CPU
// rather than wall time, because loopback HTTP latency on a shared machine is noise the bridge
// does not cause. Wall-clock spans/s are printed too. The mix is the field study's captured Codex
// CLI turn (539 spans in two requests, ten traces), replayed with fresh trace ids per turn. After
// warm-up rounds (a bridge runs for hours: its steady state is what counts), each round runs
// decode-only, ingest and a bare HTTP+decode server back to back; the verdict is the median of
// the rounds' ingest/decode ratios. Each round also ingests with the durable spool on (SQLite in a
// temporary folder, every export committed before its answer): its rate over the in-memory
// ingest of the same round (budget: at least 50%). Also: heap with 10,000 open tasks, and bytes
// per open task (the bridge's estimate and the heap measured) with realistic and with hostile
// attributes.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gunzipSync, gzipSync } from 'node:zlib';
import { forkHelper } from './lib/child.mjs';
import { fmt, median, printTable, reportSummary } from './lib/stats.mjs';

const TURNS = Number(process.env.BENCH_BRIDGE_TURNS ?? 120);
const ROUNDS = Number(process.env.BENCH_BRIDGE_ROUNDS ?? 9);
const WARMUP = Number(process.env.BENCH_BRIDGE_WARMUP ?? 3);
const OPEN_TASKS = Number(process.env.BENCH_BRIDGE_OPEN_TASKS ?? 10_000);
/** Open tasks whose every span carries a prompt of HOSTILE_CHARS characters no source reads. */
const HOSTILE_OPEN_TASKS = Number(process.env.BENCH_BRIDGE_HOSTILE_OPEN_TASKS ?? 1_000);
const HOSTILE_CHARS = 16 * 1024;
const BUDGET = 0.5;
/** The spool-on ingest keeps at least this share of the in-memory ingest rate. */
const SPOOL_BUDGET = 0.5;

const bridgeDir = new URL('../packages/bridge/', import.meta.url);
const bridgeDist = new URL('dist/index.mjs', bridgeDir);
const require = createRequire(fileURLToPath(new URL('package.json', bridgeDir)));
const protobuf = require('protobufjs');
const captureDir = new URL('test/fixtures/captures/codex/run2-protobuf/decoded/', bridgeDir);

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => fileURLToPath(new URL(`proto/${target}`, bridgeDir));
root.loadSync(['opentelemetry/proto/collector/trace/v1/trace_service.proto']);
const TraceRequest = root.lookupType(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
);

/** The decoded capture with hex ids as bytes and every trace id replaced (one map per turn). */
function withIds(value, traceIds) {
  if (Array.isArray(value)) return value.map((v) => withIds(v, traceIds));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'traceId' && typeof v === 'string') {
      if (!traceIds.has(v)) traceIds.set(v, randomBytes(16));
      out[k] = traceIds.get(v);
    } else if ((k === 'spanId' || k === 'parentSpanId') && typeof v === 'string') {
      out[k] = Buffer.from(v, 'hex');
    } else out[k] = withIds(v, traceIds);
  }
  return out;
}

function codexPayloads(turns) {
  const requests = ['0001-traces.json', '0002-traces.json'].map((f) =>
    JSON.parse(readFileSync(new URL(f, captureDir), 'utf8')),
  );
  const payloads = [];
  let spans = 0;
  for (let t = 0; t < turns; t++) {
    const traceIds = new Map();
    for (const r of requests) {
      const msg = TraceRequest.fromObject(withIds(r, traceIds));
      payloads.push(Buffer.from(TraceRequest.encode(msg).finish()));
    }
  }
  for (const r of requests) {
    for (const rs of r.resourceSpans) for (const ss of rs.scopeSpans) spans += ss.spans.length;
  }
  return { payloads, spansPerTurn: spans };
}

function decodeOnly(payloads, gzip) {
  const started = performance.now();
  let n = 0;
  for (const p of payloads) {
    const msg = TraceRequest.decode(gzip ? gunzipSync(p) : p);
    for (const rs of msg.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  }
  return { seconds: (performance.now() - started) / 1000, spans: n };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
function post(url, body, gzip) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-protobuf',
          'content-length': body.length,
          ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.setNoDelay(true);
    req.on('error', reject);
    req.end(body);
  });
}

/** Posts the payloads in a file, two requests in flight (as an OTLP sender's workers do). */
async function senderMain() {
  process.on('message', async (m) => {
    if (m?.type !== 'send') return;
    const file = readFileSync(m.file);
    const bodies = [];
    for (let at = 0; at < file.length; ) {
      const size = file.readUInt32BE(at);
      bodies.push(file.subarray(at + 4, at + 4 + size));
      at += 4 + size;
    }
    let next = 0;
    const worker = async () => {
      while (next < bodies.length) await post(m.url, bodies[next++], m.gzip);
    };
    await Promise.all([worker(), worker()]);
    process.send({ type: 'sent' });
  });
  process.send({ type: 'ready' });
}

function writePayloads(bodies) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bridge-'));
  const file = join(dir, 'payloads.bin');
  const parts = [];
  for (const b of bodies) {
    const size = Buffer.alloc(4);
    size.writeUInt32BE(b.length);
    parts.push(size, b);
  }
  writeFileSync(file, Buffer.concat(parts));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** This script forked with --sender: `send(message)` resolves once that batch is all posted. */
function startSender() {
  const helper = forkHelper('../bridge-ingest.mjs', 'ready', ['--sender']);
  return { child: helper.child, ready: helper.ready, send: (m) => helper.request(m, 'sent') };
}

/**
 * One round: the sender posts every payload; the bridge's CPU from first byte to close(). With
 * `spoolDir`, what it keeps is committed to its SQLite spool before each answer.
 */
async function ingest(startBridge, telemetry, sender, file, gzip, spoolDir = false) {
  // A fresh spool per run: a spool remembers the tasks it reported, and every run replays the same.
  const dir = spoolDir === false ? false : mkdtempSync(join(spoolDir, 'run-'));
  const bridge = await startBridge({ port: 0, telemetry, taskIdleMs: 60_000, spoolDir: dir });
  const cpu = process.cpuUsage();
  const started = performance.now();
  await sender.send({ type: 'send', url: `${bridge.url}/v1/traces`, file, gzip });
  await bridge.close();
  const used = process.cpuUsage(cpu);
  if (dir !== false) rmSync(dir, { recursive: true, force: true });
  return {
    cpuSeconds: (used.user + used.system) / 1e6,
    wallSeconds: (performance.now() - started) / 1000,
    spans: bridge.stats.received.spans,
    tasks: bridge.stats.tasksReported,
  };
}

/** A bare node:http server that reads each body and decodes it (no bridge): the receive floor. */
async function httpDecodeFloor(sender, file, gzip) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      TraceRequest.decode(gzip ? gunzipSync(body) : body);
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cpu = process.cpuUsage();
  await sender.send({
    type: 'send',
    url: `http://127.0.0.1:${server.address().port}/v1/traces`,
    file,
    gzip,
  });
  const used = process.cpuUsage(cpu);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  return (used.user + used.system) / 1e6;
}

/** Decode-only of the same payloads: CPU seconds of this process. */
function decodeCpu(payloads, gzip) {
  const cpu = process.cpuUsage();
  const d = decodeOnly(payloads, gzip);
  const used = process.cpuUsage(cpu);
  return { cpuSeconds: (used.user + used.system) / 1e6, spans: d.spans };
}

/**
 * Heap of the bridge with `tasks` Codex-like turns open (turn/start + 19 spans, no totals), and its
 * own estimate of the bytes they hold; `hostileChars` > 0 adds a prompt of that many characters
 * to every span and a command line as long to every request's resource (attributes no source
 * reads).
 */
async function openTasksMemory(startBridge, telemetry, tasks, hostileChars) {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  const bridge = await startBridge({ port: 0, telemetry, taskIdleMs: 3_600_000 });
  const url = `${bridge.url}/v1/traces`;
  const attr = (key, value) => ({
    key,
    value: typeof value === 'number' ? { intValue: value } : { stringValue: value },
  });
  const spanOf = (traceId, spanId, parentSpanId, name, attributes) => ({
    traceId,
    spanId,
    parentSpanId,
    name,
    kind: 1,
    startTimeUnixNano: 1_796_161_679_000_000_000n.toString(),
    endTimeUnixNano: 1_796_161_679_500_000_000n.toString(),
    attributes,
  });
  const hostile = hostileChars > 0 ? 'p'.repeat(hostileChars) : undefined;
  gc();
  const before = process.memoryUsage().heapUsed;
  // Hostile requests carry fewer tasks each, to stay under the 16 MiB body limit.
  const PER_REQUEST = hostile ? 10 : 100;
  for (let i = 0; i < tasks; i += PER_REQUEST) {
    const spans = [];
    for (let t = i; t < Math.min(tasks, i + PER_REQUEST); t++) {
      const traceId = randomBytes(16);
      const root = randomBytes(8);
      spans.push(
        spanOf(traceId, root, undefined, 'turn/start', [
          attr('turn.id', `turn-${t}`),
          attr('rpc.method', 'turn/start'),
          ...(hostile ? [attr('gen_ai.prompt', hostile)] : []),
        ]),
      );
      for (let c = 0; c < 19; c++) {
        const attrs = [
          attr('code.file.path', 'core/src/session/turn.rs'),
          attr('busy_ns', 1000 + c),
        ];
        if (c % 6 === 0)
          attrs.push(
            attr('gen_ai.usage.input_tokens', 2101),
            attr('gen_ai.usage.output_tokens', 61),
          );
        if (hostile) attrs.push(attr('gen_ai.prompt', hostile));
        spans.push(
          spanOf(
            traceId,
            randomBytes(8),
            root,
            c % 6 === 0 ? 'handle_responses' : 'append_items',
            attrs,
          ),
        );
      }
    }
    const body = Buffer.from(
      TraceRequest.encode(
        TraceRequest.fromObject({
          resourceSpans: [
            {
              resource: {
                attributes: [
                  attr('service.name', 'codex_exec'),
                  ...(hostile ? [attr('process.command_args', hostile)] : []),
                ],
              },
              scopeSpans: [{ spans }],
            },
          ],
        }),
      ).finish(),
    );
    await post(url, body, false);
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  const { openTasks: open, heldBytes } = bridge.stats;
  await bridge.close();
  return {
    open,
    mb: (after - before) / 1024 / 1024,
    heapPerTask: (after - before) / Math.max(1, open),
    heldPerTask: heldBytes / Math.max(1, open),
  };
}

async function main() {
  const { startBridge } = await import(bridgeDist.href);
  const sink = forkHelper('./sink-server.mjs', 'listening');
  const { port } = await sink.ready;
  const telemetry = {
    serverUrl: `http://127.0.0.1:${port}`,
    apiKey: 'ab'.repeat(32),
    instanceId: '3f1c9a52-7d4e-4b8a-9c21-5e6f7a8b9c0d',
  };
  const sender = startSender();
  await sender.ready;
  const { payloads, spansPerTurn } = codexPayloads(TURNS);
  const zipped = payloads.map((p) => gzipSync(p));
  const rows = [];
  const spoolRows = [];
  const summary = [];
  for (const gzip of [false, true]) {
    const bodies = gzip ? zipped : payloads;
    const stored = writePayloads(bodies);
    const ingestRates = [];
    const wallRates = [];
    const decodeRates = [];
    const floorRates = [];
    /** Per round, ingest over the decode-only run just before it: both see the same machine. */
    const ratios = [];
    const spoolRates = [];
    const spoolWallRates = [];
    /** Per round, spool-on ingest over the in-memory ingest of the same round. */
    const spoolRatios = [];
    const spoolDir = mkdtempSync(join(tmpdir(), 'bench-bridge-spool-'));
    // Warm-up, then interleaved rounds.
    for (let w = 0; w < WARMUP; w++) {
      decodeOnly(bodies, gzip);
      await ingest(startBridge, telemetry, sender, stored.file, gzip);
      await ingest(startBridge, telemetry, sender, stored.file, gzip, spoolDir);
      await httpDecodeFloor(sender, stored.file, gzip);
    }
    for (let r = 0; r < ROUNDS; r++) {
      const d = decodeCpu(bodies, gzip);
      decodeRates.push(d.spans / d.cpuSeconds);
      const i = await ingest(startBridge, telemetry, sender, stored.file, gzip);
      if (i.spans !== d.spans || i.tasks !== TURNS) {
        throw new Error(
          `ingest saw ${i.spans} spans and ${i.tasks} tasks, expected ${d.spans} and ${TURNS}`,
        );
      }
      ingestRates.push(i.spans / i.cpuSeconds);
      const sp = await ingest(startBridge, telemetry, sender, stored.file, gzip, spoolDir);
      if (sp.spans !== d.spans || sp.tasks !== TURNS) {
        throw new Error(`spool-on ingest saw ${sp.spans} spans and ${sp.tasks} tasks`);
      }
      spoolRates.push(sp.spans / sp.cpuSeconds);
      spoolWallRates.push(sp.spans / sp.wallSeconds);
      spoolRatios.push(sp.spans / sp.cpuSeconds / (i.spans / i.cpuSeconds));
      floorRates.push(d.spans / (await httpDecodeFloor(sender, stored.file, gzip)));
      wallRates.push(i.spans / i.wallSeconds);
      ratios.push(i.spans / i.cpuSeconds / (d.spans / d.cpuSeconds));
    }
    stored.remove();
    rmSync(spoolDir, { recursive: true, force: true });
    const ingestRate = median(ingestRates);
    const decodeRate = median(decodeRates);
    // The median of paired ratios, not the ratio of medians: this shared machine's speed drifts
    // by tens of percent within a run, and a pair of neighbouring runs sees the same drift.
    const ratio = median(ratios);
    const range = `${fmt(Math.min(...ratios) * 100, 0)}–${fmt(Math.max(...ratios) * 100, 0)}%`;
    const label = gzip ? 'protobuf + gzip' : 'protobuf';
    rows.push([
      label,
      fmt(ingestRate, 0),
      fmt(median(wallRates), 0),
      fmt(decodeRate, 0),
      fmt(median(floorRates), 0),
      `${fmt(ratio * 100, 0)}% (${range})`,
      `${fmt((ingestRate / median(floorRates)) * 100, 0)}%`,
      `>= ${BUDGET * 100}%`,
    ]);
    summary.push({
      bench: '(e) bridge ingest',
      metric: `spans per CPU-s, Codex mix, ${label}`,
      value: fmt(ingestRate, 0),
      baseline: `${fmt(decodeRate, 0)} decode-only`,
      vs: `${fmt(ratio * 100, 0)}%`,
      budget: `>= ${BUDGET * 100}%`,
      verdict: ratio >= BUDGET ? 'ok' : 'MISS',
    });
    const spoolRatio = median(spoolRatios);
    const spoolRange = `${fmt(Math.min(...spoolRatios) * 100, 0)}–${fmt(Math.max(...spoolRatios) * 100, 0)}%`;
    spoolRows.push([
      label,
      fmt(median(spoolRates), 0),
      fmt(median(spoolWallRates), 0),
      fmt(ingestRate, 0),
      `${fmt(spoolRatio * 100, 0)}% (${spoolRange})`,
      `>= ${SPOOL_BUDGET * 100}%`,
    ]);
    summary.push({
      bench: '(e) bridge ingest',
      metric: `spans per CPU-s with the spool on, Codex mix, ${label}`,
      value: fmt(median(spoolRates), 0),
      baseline: `${fmt(ingestRate, 0)} in memory`,
      vs: `${fmt(spoolRatio * 100, 0)}%`,
      budget: `>= ${SPOOL_BUDGET * 100}%`,
      verdict: spoolRatio >= SPOOL_BUDGET ? 'ok' : 'MISS',
    });
  }
  sender.child.kill();
  const memory = await openTasksMemory(startBridge, telemetry, OPEN_TASKS, 0);
  const hostileMemory = await openTasksMemory(
    startBridge,
    telemetry,
    HOSTILE_OPEN_TASKS,
    HOSTILE_CHARS,
  );
  summary.push({
    bench: '(e) bridge ingest',
    metric: 'see its table: ingest vs a bare node:http server that only decodes',
    value: rows.map((r) => r[6]).join(' / '),
  });
  summary.push({
    bench: '(e) bridge ingest',
    metric: `heap with ${memory.open} open tasks (20 spans each)`,
    value: `${fmt(memory.mb, 1)} MB`,
    baseline: `${fmt((memory.mb * 1024) / Math.max(1, memory.open), 1)} KB/task`,
  });
  for (const [label, m] of [
    ['realistic', memory],
    [`hostile (${HOSTILE_CHARS / 1024} KiB prompt per span)`, hostileMemory],
  ]) {
    summary.push({
      bench: '(e) bridge ingest',
      metric: `bytes per open task, ${label} attributes (${m.open} tasks of 20 spans)`,
      value: `${fmt(m.heldPerTask, 0)} B held (bridge's estimate)`,
      baseline: `${fmt(m.heapPerTask, 0)} B of heap measured`,
    });
  }
  console.log(
    `\n(e) bridge ingest: ${TURNS} Codex turns of ${spansPerTurn} spans, ${ROUNDS} rounds`,
  );
  printTable(
    [
      'payloads',
      'ingest spans/CPU-s',
      'ingest spans/s (wall)',
      'decode-only spans/CPU-s',
      'http+decode spans/CPU-s',
      'ingest/decode (range)',
      'ingest/(http+decode)',
      'budget',
    ],
    rows,
  );
  console.log(
    '\nwith the spool on (SQLite, WAL, synchronous=NORMAL; committed before each answer):',
  );
  printTable(
    [
      'payloads',
      'spool-on spans/CPU-s',
      'spool-on spans/s (wall)',
      'in-memory spans/CPU-s',
      'spool-on/in-memory (range)',
      'budget',
    ],
    spoolRows,
  );
  console.log(`heap with ${memory.open} open tasks: ${fmt(memory.mb, 1)} MB`);
  console.log(
    `bytes per open task (bridge's estimate / heap measured): realistic ${fmt(memory.heldPerTask, 0)} / ${fmt(memory.heapPerTask, 0)}; hostile ${fmt(hostileMemory.heldPerTask, 0)} / ${fmt(hostileMemory.heapPerTask, 0)}`,
  );
  reportSummary(summary);
  await sink.close();
  agent.destroy();
}

if (process.argv.includes('--sender')) await senderMain();
else await main();
