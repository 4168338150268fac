// (c) End-to-end events/s: real task spans -> createMosaicSpanProcessor -> the devserver (own
// process, SQLite file, no rate limit), against the devserver's own ingest rate measured with a
// raw HTTP client posting prebuilt 100-event batches.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { forkHelper } from './lib/child.mjs';
import { importExporter, SEMCONV_DIST } from './lib/paths.mjs';
import { TASK_ATTRIBUTES } from './lib/spans.mjs';
import { fmt, median, printTable, reportSummary } from './lib/stats.mjs';

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

/** Posts `bodies` with a keep-alive agent, RAW_CONCURRENCY at once; wall seconds. */
async function rawRound(server, bodies) {
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
            reject(new Error(`devserver answered ${res.statusCode}: ${answer.rejected} rejected`));
          } else resolve();
        });
      });
      req.end(body);
    });
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < bodies.length) await post(bodies[next++]);
  };
  await Promise.all(Array.from({ length: RAW_CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return seconds;
}

async function main() {
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
      bench: 'c end-to-end',
      metric: 'task spans -> devserver',
      value: `${fmt(ours, 0)} events/s`,
      baseline: `raw client ${fmt(base, 0)} events/s`,
      vs: `${fmt((100 * ours) / base, 0)}% of ingest`,
      budget: '',
      verdict: '',
    },
  ]);
}

await main();
