// (c) The devserver at scale, each figure beside its floor measured in the same run:
//   1. ingest: bare SQLite inserts of N rows into the devserver's schema (prepared statement, one
//      transaction per 100, same pragmas, this process) vs the devserver (own process, SQLite
//      file) taking the same rows as 100-event HTTP batches; plus the 0.1.0 schema's bare inserts;
//   2. predictions over N events in one bucket: the fold of the aggregates (idle-time work, once
//      per event) and one query (cache off), budget 100 ms at 1,000,000;
//   3. the web view's reads over the same N events (range and filter aggregates, the task page),
//      budget 200 ms each at 1,000,000;
//   4. end to end: real task spans -> createMosaicSpanProcessor -> the devserver, against the
//      devserver's ingest of prebuilt 100-event batches.
// N = BENCH_DEVSERVER_ROWS (default 100,000; the budget is stated at 1,000,000, a few minutes).
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { forkHelper } from './lib/child.mjs';
import { DEVSERVER_DIST, importExporter, SEMCONV_DIST } from './lib/paths.mjs';
import { TASK_ATTRIBUTES } from './lib/spans.mjs';
import { fmt, median, printTable, reportSummary } from './lib/stats.mjs';

const ROWS = Number(process.env.BENCH_DEVSERVER_ROWS ?? 100_000);
const QUERY_BUDGET_MS = 100;
const WEB_BUDGET_MS = 200;
const EVENTS = Number(process.env.BENCH_E2E_EVENTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_E2E_ROUNDS ?? 3);
/** Spans made between two yields to the event loop, so exports overlap span creation. */
const SPANS_PER_TICK = 200;
/** The raw client sends as many requests at once as the exporter does. */
const RAW_CONCURRENCY = 2;

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function waitForCount(devserver, count) {
  for (let i = 0; i < 600; i++) {
    const stats = await devserver.ask('stats');
    if (stats.events >= count) return stats.events;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`devserver stored fewer than ${count} events`);
}

/** Spans through our processor; wall seconds until the devserver stored all of them. */
async function pipelineRound(createMosaicSpanProcessor, server, devserver, before) {
  const processor = createMosaicSpanProcessor({
    enabled: true,
    serverUrl: server.url,
    apiKey: server.apiKey,
    instanceId: server.instanceId,
    maxQueueSize: EVENTS,
  });
  const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('bench');
  const started = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    tracer.startSpan('task', { attributes: TASK_ATTRIBUTES }).end();
    if (i % SPANS_PER_TICK === SPANS_PER_TICK - 1) await tick();
  }
  await processor.forceFlush();
  const stored = await waitForCount(devserver, before + EVENTS);
  const seconds = (performance.now() - started) / 1000;
  await processor.shutdown();
  if (stored !== before + EVENTS) throw new Error(`stored ${stored - before} of ${EVENTS} events`);
  return seconds;
}

/** Prebuilt request bodies of 100 valid events with fresh ids. */
function prebuiltBodies(instanceId, validate) {
  const template = {
    instance_id: instanceId,
    event_id: '',
    schema_version: '1.0',
    timestamp: new Date().toISOString(),
    task_duration_ms: 62_000,
    task_type: 'implementation',
    complexity: 'medium',
    harness: 'claude_code',
    model: 'claude-sonnet-4-5',
    provider: 'anthropic',
    estimated_input_tokens: 40_000,
    estimated_output_tokens: 5_000,
    actual_input_tokens: 48_211,
    actual_output_tokens: 6_377,
    estimated_cost_usd_micros: 195_000,
    actual_cost_usd_micros: 240_288,
    quality_gate_passed: true,
    quality_gates_run: ['build', 'lint', 'test', 'typecheck'],
    quality_gates_failed: [],
    context_compactions: 1,
    context_rotations: 0,
    context_utilization_final: 0.62,
    outcome: 'success',
    retry_count: 1,
    language: 'typescript',
    repo_size_category: 'medium',
  };
  const problems = validate({ ...template, event_id: randomUUID() });
  if (problems.length > 0) throw new Error(`prebuilt event invalid: ${problems.join('; ')}`);
  const bodies = [];
  for (let i = 0; i < EVENTS; i += 100) {
    const events = Array.from({ length: Math.min(100, EVENTS - i) }, () => ({
      ...template,
      event_id: randomUUID(),
    }));
    bodies.push(Buffer.from(JSON.stringify({ events })));
  }
  return bodies;
}

/**
 * A poster of prebuilt batch bodies to `server` over one keep-alive agent (RAW_CONCURRENCY
 * sockets): `post(body)` resolves with the accepted count and rejects on any refusal.
 */
function createBatchPoster(server) {
  const base = new URL(server.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: RAW_CONCURRENCY });
  const post = (body) =>
    new Promise((resolve, reject) => {
      const req = http.request({
        hostname: base.hostname,
        port: base.port,
        path: '/v1/events/batch',
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${server.apiKey}`,
          'content-type': 'application/json',
          'content-length': body.length,
        },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (res.statusCode !== 200 || answer.rejected !== 0) {
            const first = answer.results?.find((r) => r.status === 'rejected')?.error;
            reject(
              new Error(
                `devserver answered ${res.statusCode}: ${answer.rejected} rejected (${first})`,
              ),
            );
          } else resolve(answer.accepted);
        });
      });
      req.end(body);
    });
  return { post, close: () => agent.destroy() };
}

/** Posts every body, RAW_CONCURRENCY at once; the accepted count and the wall seconds taken. */
async function postAll(post, bodies) {
  let index = 0;
  let accepted = 0;
  const worker = async () => {
    while (index < bodies.length) {
      // Read the count after the await: `accepted += await …` would add to a stale value.
      const n = await post(bodies[index++]);
      accepted += n;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: RAW_CONCURRENCY }, worker));
  return { accepted, seconds: (performance.now() - started) / 1000 };
}

/** Posts `bodies` with a keep-alive agent, RAW_CONCURRENCY at once; wall seconds. */
async function rawRound(server, bodies) {
  const poster = createBatchPoster(server);
  const { seconds } = await postAll(poster.post, bodies);
  poster.close();
  return seconds;
}

// ---- 1. ingest at N rows: the devserver against bare SQLite inserts of the same rows ----

const Database = createRequire(new URL('../packages/devserver/package.json', import.meta.url))(
  'better-sqlite3',
);
const BUCKET = {
  task_type: 'implementation',
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  complexity: 'medium',
};

/** The same N events every time (seeded): one bucket, realistic spreads, unique ids. */
function* benchEvents(instanceId, n) {
  // mulberry32: 32-bit state, full period, exact in doubles (an LCG times 1e9 is not).
  let seed = 20_260_101;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const logUniform = (lo, hi) => Math.round(lo * (hi / lo) ** random());
  const hex = (digits) =>
    Array.from({ length: digits }, () => Math.floor(random() * 16).toString(16)).join('');
  const start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < n; i++) {
    const input = logUniform(2_000, 400_000);
    yield {
      instance_id: instanceId,
      event_id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
      schema_version: '1.0',
      timestamp: new Date(start + i * 1_000).toISOString(),
      task_duration_ms: logUniform(2_000, 1_800_000),
      ...BUCKET,
      harness: 'claude_code',
      estimated_input_tokens: Math.round(input * 0.9),
      estimated_output_tokens: logUniform(200, 20_000),
      actual_input_tokens: input,
      actual_output_tokens: logUniform(200, 40_000),
      estimated_cost_usd_micros: logUniform(1_000, 3_000_000),
      actual_cost_usd_micros: logUniform(1_000, 4_000_000),
      quality_gate_passed: random() < 0.8,
      quality_gates_run: ['build', 'lint', 'test'],
      quality_gates_failed: [],
      context_compactions: 0,
      context_rotations: 0,
      context_utilization_final: 0.5,
      outcome: random() < 0.85 ? 'success' : 'failure',
      retry_count: 0,
      language: 'typescript',
      repo_size_category: 'medium',
    };
  }
}

/** Batches of 100 events from the generator. */
function* batches(instanceId, n) {
  let batch = [];
  for (const event of benchEvents(instanceId, n)) {
    batch.push(event);
    if (batch.length === 100) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

const removeDb = (path) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
};

/** The 0.1.0 layout (random-UUID TEXT primary key, dimensions inline): the "before" figure. */
const SCHEMA_0_1_0 = `CREATE TABLE events (event_id TEXT PRIMARY KEY, instance_id TEXT NOT NULL,
  task_type TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL, complexity TEXT NOT NULL,
  timestamp_ms INTEGER NOT NULL, task_duration_ms INTEGER NOT NULL,
  estimated_input_tokens INTEGER NOT NULL, estimated_output_tokens INTEGER NOT NULL,
  actual_input_tokens INTEGER NOT NULL, actual_output_tokens INTEGER NOT NULL,
  actual_cost_usd_micros INTEGER NOT NULL, quality_gate_passed INTEGER NOT NULL,
  outcome TEXT NOT NULL, event_json TEXT NOT NULL);
CREATE INDEX events_by_dimensions ON events (task_type, provider, model, complexity);`;

const ROW_OF = {
  current: (e) => [
    e.event_id,
    1,
    e.harness,
    e.outcome,
    Date.parse(e.timestamp),
    e.task_duration_ms,
    e.estimated_input_tokens,
    e.estimated_output_tokens,
    e.actual_input_tokens,
    e.actual_output_tokens,
    e.actual_cost_usd_micros,
    e.quality_gate_passed ? 1 : 0,
    JSON.stringify(e),
  ],
  '0.1.0': (e) => [
    e.event_id,
    e.instance_id,
    e.task_type,
    e.provider,
    e.model,
    e.complexity,
    Date.parse(e.timestamp),
    e.task_duration_ms,
    e.estimated_input_tokens,
    e.estimated_output_tokens,
    e.actual_input_tokens,
    e.actual_output_tokens,
    e.actual_cost_usd_micros,
    e.quality_gate_passed ? 1 : 0,
    e.outcome,
    JSON.stringify(e),
  ],
};

/**
 * Bare inserts of the bench rows into `dbPath`: prepared statement, one transaction per 100, WAL
 * and synchronous=NORMAL like the devserver. Only the transactions are timed (rows are built
 * before each); returns rows/s.
 */
function bareInserts(dbPath, layout, instanceId) {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  let insert;
  if (layout === 'current') {
    db.prepare(
      'INSERT INTO buckets (id, task_type, provider, model, complexity) VALUES (1, ?, ?, ?, ?)',
    ).run(BUCKET.task_type, BUCKET.provider, BUCKET.model, BUCKET.complexity);
    insert = db.prepare(
      `INSERT OR IGNORE INTO events (event_id, bucket_id, harness, outcome, timestamp_ms,
        task_duration_ms, estimated_input_tokens, estimated_output_tokens, actual_input_tokens,
        actual_output_tokens, actual_cost_usd_micros, quality_gate_passed, event_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  } else {
    db.exec(SCHEMA_0_1_0);
    insert = db.prepare(`INSERT OR IGNORE INTO events VALUES (${Array(16).fill('?').join(', ')})`);
  }
  const transaction = db.transaction((rows) => {
    for (const row of rows) insert.run(...row);
  });
  const rowOf = ROW_OF[layout];
  let seconds = 0;
  let stored = 0;
  for (const batch of batches(instanceId, ROWS)) {
    const rows = batch.map(rowOf);
    const started = performance.now();
    transaction(rows);
    seconds += (performance.now() - started) / 1000;
    stored += rows.length;
  }
  db.close();
  return stored / seconds;
}

/** Posts the bench rows to the devserver child as 100-event batches, 2 at a time; events/s. */
async function devserverIngest(server) {
  const poster = createBatchPoster(server);
  const source = batches(server.instanceId, ROWS);
  let accepted = 0;
  let seconds = 0;
  // Bodies are built ahead in slices of 10,000 events, outside the timed part, so the client's
  // JSON work does not compete with the devserver for the same cores while it is measured.
  for (;;) {
    const bodies = [];
    for (let next = source.next(); !next.done; next = source.next()) {
      bodies.push(Buffer.from(JSON.stringify({ events: next.value })));
      if (bodies.length === 100) break;
    }
    if (bodies.length === 0) break;
    const round = await postAll(poster.post, bodies);
    accepted += round.accepted;
    seconds += round.seconds;
  }
  poster.close();
  if (accepted !== ROWS) throw new Error(`devserver accepted ${accepted} of ${ROWS}`);
  return accepted / seconds;
}

// ---- 2. predictions over N events in one bucket ----

async function predictionTimes(dbPath) {
  const { startDevServer } = await import(DEVSERVER_DIST.href);
  const server = await startDevServer({ dbPath, rateLimit: false, predictionCacheTtlMs: 0 });
  const ask = async (complexity) => {
    const started = performance.now();
    const res = await fetch(`${server.url}/v1/predictions/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ queries: [{ ...BUCKET, complexity }] }),
    });
    const answer = (await res.json()).results[0];
    const ms = performance.now() - started;
    if (answer.metadata.sample_size !== ROWS) {
      throw new Error(`prediction over ${answer.metadata.sample_size} events, expected ${ROWS}`);
    }
    return { ms, answer };
  };
  try {
    const first = await ask(BUCKET.complexity); // folds all N events, then answers
    const exact = [];
    const fallback = [];
    for (let i = 0; i < 7; i++) {
      exact.push((await ask(BUCKET.complexity)).ms);
      fallback.push((await ask('high')).ms);
    }
    const queryMs = median(exact);
    return {
      foldMicrosPerEvent: ((first.ms - queryMs) * 1000) / ROWS,
      queryMs,
      fallbackMs: median(fallback),
      answer: first.answer,
      web: await webViewTimes(server),
    };
  } finally {
    await server.close();
  }
}

// ---- 3. the web view's reads over the same N events ----

const HOUR_MS = 3_600_000;

/** Median ms of 7 GETs of each web view route (after one warm-up), each answer checked. */
async function webViewTimes(server) {
  const start = Date.UTC(2026, 0, 1);
  const end = start + ROWS * 1_000;
  // A range with ragged ends (read from events) around whole hours (read from the aggregates).
  const from = new Date(start + Math.floor(ROWS * 250) + 17 * 60_000 + 3_000).toISOString();
  const to = new Date(end - Math.floor(ROWS * 200) - 41 * 60_000).toISOString();
  const routes = [
    ['/api/summary (all tasks)', '/api/summary', (a) => a.totals.tasks === ROWS],
    [
      '/api/summary (ragged range + outcome filter)',
      `/api/summary?from=${from}&to=${to}&outcome=failure`,
      (a) => a.totals.tasks > 0 && a.totals.tasks < ROWS,
    ],
    ['/api/series (all, auto grain)', '/api/series', (a) => a.points.length > 0],
    [
      '/api/series?grain=hour (ragged range)',
      `/api/series?grain=hour&from=${from}&to=${to}`,
      (a) => a.points.length > (Date.parse(to) - Date.parse(from)) / HOUR_MS - 2,
    ],
    ['/api/breakdown?by=model', '/api/breakdown?by=model', (a) => a.groups[0]?.tasks === ROWS],
    [
      '/api/breakdown?by=task_type (range)',
      `/api/breakdown?by=task_type&from=${from}&to=${to}`,
      (a) => a.groups.length === 1,
    ],
    ['/api/tasks (newest first, page 1)', '/api/tasks?limit=25', (a) => a.tasks.length === 25],
  ];
  const rows = [];
  for (const [name, path, check] of routes) {
    const times = [];
    for (let i = 0; i < 8; i++) {
      const started = performance.now();
      const res = await fetch(`${server.url}${path}`);
      const answer = await res.json();
      const ms = performance.now() - started;
      if (res.status !== 200 || !check(answer)) {
        throw new Error(`${path} answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`);
      }
      if (i > 0) times.push(ms);
    }
    rows.push({ name, ms: median(times), max: Math.max(...times) });
  }
  return rows;
}

async function atScale() {
  const { startDevServer } = await import(DEVSERVER_DIST.href);
  const dir = tmpdir();
  const dbPath = join(dir, `mosaic-bench-bare-${process.pid}.db`);
  const oldPath = join(dir, `mosaic-bench-bare-0.1.0-${process.pid}.db`);
  removeDb(dbPath);
  removeDb(oldPath);
  try {
    // The devserver creates its schema in the file; the bare inserts then go into that schema.
    const empty = await startDevServer({ dbPath });
    const instanceId = empty.instanceId;
    await empty.close();
    const bare = bareInserts(dbPath, 'current', instanceId);
    const bareOld = bareInserts(oldPath, '0.1.0', instanceId);
    removeDb(oldPath);

    const devserver = forkHelper('./devserver-child.mjs', 'listening');
    let ingest;
    try {
      ingest = await devserverIngest(await devserver.ready);
    } finally {
      await devserver.close();
    }

    const prediction = await predictionTimes(dbPath);
    return { bare, bareOld, ingest, prediction };
  } finally {
    removeDb(dbPath);
  }
}

async function main() {
  const scale = await atScale();
  const n = ROWS.toLocaleString('en-US');
  console.log(`\n(c) devserver at ${n} events (SQLite file, WAL, one bucket)\n`);
  printTable(
    ['path', 'value'],
    [
      ['bare inserts, devserver schema (floor)', `${fmt(scale.bare, 0)} rows/s`],
      ['bare inserts, 0.1.0 schema (before)', `${fmt(scale.bareOld, 0)} rows/s`],
      ['devserver ingest, 100-event HTTP batches', `${fmt(scale.ingest, 0)} events/s`],
      [
        'fold into aggregates (idle time, once per event)',
        `${fmt(scale.prediction.foldMicrosPerEvent, 1)} us/event`,
      ],
      ['prediction query, exact bucket (cache off)', `${fmt(scale.prediction.queryMs, 1)} ms`],
      [
        'prediction query, fallback level 1 (cache off)',
        `${fmt(scale.prediction.fallbackMs, 1)} ms`,
      ],
    ],
  );
  console.log(
    `\n(c) web view reads over ${n} events (median of 7 after a warm-up; budget ${WEB_BUDGET_MS} ms each)\n`,
  );
  printTable(
    ['route', 'median', 'max', `<= ${WEB_BUDGET_MS} ms`],
    scale.prediction.web.map((r) => [
      r.name,
      `${fmt(r.ms, 1)} ms`,
      `${fmt(r.max, 1)} ms`,
      r.ms <= WEB_BUDGET_MS ? 'PASS' : 'MISS',
    ]),
  );
  console.log(`\ndevserver ingest / bare inserts = ${fmt(scale.ingest / scale.bare, 2)}`);
  console.log(
    `bare inserts, devserver schema / 0.1.0 schema = ${fmt(scale.bare / scale.bareOld, 2)}`,
  );
  console.log(
    `input tokens p10..p90: ${JSON.stringify(scale.prediction.answer.prediction.input_tokens)}`,
  );

  const { createMosaicSpanProcessor } = await importExporter();
  const { validateTaskCompletionEvent } = await import(SEMCONV_DIST.href);
  const devserver = forkHelper('./devserver-child.mjs', 'listening');
  const server = await devserver.ready;

  const pipeline = [];
  const raw = [];
  let stored = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const bodies = prebuiltBodies(server.instanceId, validateTaskCompletionEvent);
    const first = round % 2 === 0 ? 'pipeline' : 'raw';
    for (const kind of first === 'pipeline' ? ['pipeline', 'raw'] : ['raw', 'pipeline']) {
      if (kind === 'pipeline') {
        pipeline.push(
          EVENTS / (await pipelineRound(createMosaicSpanProcessor, server, devserver, stored)),
        );
      } else {
        raw.push(EVENTS / (await rawRound(server, bodies)));
      }
      stored += EVENTS;
    }
  }
  const final = await devserver.ask('stats');
  await devserver.close();
  if (final.events !== stored)
    throw new Error(`devserver stored ${final.events}, expected ${stored}`);

  const [ours, base] = [median(pipeline), median(raw)];
  console.log(
    `\n(c) end-to-end into the devserver (own process, SQLite file, no rate limit): ${ROUNDS} interleaved rounds x ${EVENTS} events (median)\n`,
  );
  printTable(
    ['path', 'events/s', 'min', 'max'],
    [
      [
        'spans -> createMosaicSpanProcessor -> devserver',
        fmt(ours, 0),
        fmt(Math.min(...pipeline), 0),
        fmt(Math.max(...pipeline), 0),
      ],
      [
        'raw HTTP client, prebuilt 100-event batches',
        fmt(base, 0),
        fmt(Math.min(...raw), 0),
        fmt(Math.max(...raw), 0),
      ],
    ],
  );
  console.log(`\npipeline / devserver ingest = ${fmt(ours / base, 2)}`);
  reportSummary([
    {
      bench: 'c devserver ingest',
      metric: `100-event batches, ${n} rows`,
      value: `${fmt(scale.ingest, 0)} events/s`,
      baseline: `bare inserts ${fmt(scale.bare, 0)} rows/s`,
      vs: `${fmt((100 * scale.ingest) / scale.bare, 0)}% of bare`,
      budget: '>= 50%',
      verdict: scale.ingest / scale.bare >= 0.5 ? 'ok' : 'MISS',
    },
    {
      bench: 'c devserver schema',
      metric: `bare inserts, ${n} rows`,
      value: `${fmt(scale.bare, 0)} rows/s`,
      baseline: `0.1.0 schema ${fmt(scale.bareOld, 0)} rows/s`,
      vs: `${fmt(scale.bare / scale.bareOld, 2)}x`,
      budget: '',
      verdict: '',
    },
    {
      bench: 'c prediction query',
      metric: `one bucket of ${n} events`,
      value: `${fmt(scale.prediction.queryMs, 1)} ms`,
      baseline: `fold ${fmt(scale.prediction.foldMicrosPerEvent, 1)} us/event (idle time)`,
      vs: '',
      budget: ROWS >= 1_000_000 ? `<= ${QUERY_BUDGET_MS} ms` : `<= ${QUERY_BUDGET_MS} ms at 1M`,
      verdict: scale.prediction.queryMs <= QUERY_BUDGET_MS ? 'ok' : 'MISS',
    },
    ...scale.prediction.web.map((r) => ({
      bench: 'c web view read',
      metric: `${r.name}, ${n} events`,
      value: `${fmt(r.ms, 1)} ms`,
      baseline: `max ${fmt(r.max, 1)} ms`,
      vs: '',
      budget: ROWS >= 1_000_000 ? `<= ${WEB_BUDGET_MS} ms` : `<= ${WEB_BUDGET_MS} ms at 1M`,
      verdict: r.ms <= WEB_BUDGET_MS ? 'PASS' : 'MISS',
    })),
    {
      bench: 'c end-to-end',
      metric: 'task spans -> devserver',
      value: `${fmt(ours, 0)} events/s`,
      baseline: `raw client ${fmt(base, 0)} events/s`,
      vs: `${fmt((100 * ours) / base, 0)}% of ingest (${fmt((100 * ours) / scale.bare, 0)}% of bare)`,
      budget: '',
      verdict: '',
    },
  ]);
}

await main();
