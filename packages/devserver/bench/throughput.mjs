// Events/s the dev server sustains for batches of 100 over loopback.
// The server runs in a child process (rate limit off); this process only sends.
// Usage: pnpm --filter @mosaicstack/telemetry-devserver build && node packages/devserver/bench/throughput.mjs
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIST = new URL('../dist/index.mjs', import.meta.url);
const BATCH = 100;
const SECONDS = 3;

if (process.argv[2] === 'serve') {
  const { startDevServer } = await import(DIST);
  const server = await startDevServer({ dbPath: process.argv[3], rateLimit: false });
  process.send({ url: server.url, apiKey: server.apiKey, instanceId: server.instanceId });
  let cpu = process.cpuUsage();
  process.on('message', (message) => {
    if (message === 'cpu-start') cpu = process.cpuUsage();
    if (message === 'cpu-stop') {
      const used = process.cpuUsage(cpu);
      process.send({ cpuMicros: used.user + used.system });
    }
  });
  process.on('disconnect', () => {
    server.close().then(() => process.exit(0));
  });
} else {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-devserver-bench-'));
  try {
    for (const db of [':memory:', join(dir, 'bench.db')]) {
      for (const concurrency of [1, 4, 16]) {
        const path = db === ':memory:' ? db : `${db}.${concurrency}`;
        const { eventsPerSecond, serverCpuMicrosPerEvent } = await measure(path, concurrency);
        process.stdout.write(
          `db=${db === ':memory:' ? 'memory' : 'file(WAL)'} concurrency=${concurrency}: ` +
            `${Math.round(eventsPerSecond)} events/s, ` +
            `server CPU ${serverCpuMicrosPerEvent.toFixed(1)} us/event\n`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(dbPath, concurrency) {
  const child = fork(new URL(import.meta.url), ['serve', dbPath]);
  const server = await new Promise((resolve) => child.once('message', resolve));
  const headers = { Authorization: `Bearer ${server.apiKey}`, 'Content-Type': 'application/json' };
  const body = () =>
    JSON.stringify({ events: Array.from({ length: BATCH }, () => event(server.instanceId)) });
  let accepted = 0;
  child.send('cpu-start');
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      const res = await fetch(`${server.url}/v1/events/batch`, {
        method: 'POST',
        headers,
        body: body(),
      });
      const answer = await res.json();
      if (answer.accepted !== BATCH) throw new Error(`unexpected answer ${JSON.stringify(answer)}`);
      accepted += answer.accepted;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  child.send('cpu-stop');
  const { cpuMicros } = await new Promise((resolve) => child.once('message', resolve));
  child.disconnect();
  await new Promise((resolve) => child.once('exit', resolve));
  return { eventsPerSecond: accepted / elapsed, serverCpuMicrosPerEvent: cpuMicros / accepted };
}

function event(instanceId) {
  return {
    instance_id: instanceId,
    event_id: randomUUID(),
    schema_version: '1.0',
    timestamp: new Date().toISOString(),
    task_duration_ms: 12_000,
    task_type: 'implementation',
    complexity: 'medium',
    harness: 'claude_code',
    model: 'claude-sonnet-4',
    provider: 'anthropic',
    estimated_input_tokens: 1000,
    estimated_output_tokens: 500,
    actual_input_tokens: 1200,
    actual_output_tokens: 450,
    estimated_cost_usd_micros: 9000,
    actual_cost_usd_micros: 9500,
    quality_gate_passed: true,
    quality_gates_run: ['build', 'lint', 'test'],
    quality_gates_failed: [],
    context_compactions: 0,
    context_rotations: 0,
    context_utilization_final: 0.4,
    outcome: 'success',
    retry_count: 0,
    language: 'typescript',
    repo_size_category: 'medium',
  };
}
