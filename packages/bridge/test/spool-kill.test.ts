import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DevServer, startDevServer } from '@mosaicstack/telemetry-devserver';
import { afterAll, describe, expect, it } from 'vitest';
import { type BridgeProcess, startBridgeProcess } from './support/bridge-process.js';
import { hex, taskSpans, tracesRequest } from './support/otlp-json.js';

/** Kills of the bridge process, each at a random moment of a steady stream of tasks. */
const KILLS = 15;
/** Each run sends for a random time in this range (ms) before it is killed. */
const RUN_MS = [100, 900] as const;
/** Tokens of task `i` are `BASE + i`: the stored events tell which task each one is. */
const BASE = 100_000;

/** One complete task (an explicit task span and one model call) in one OTLP/JSON export. */
function taskExport(i: number): string {
  const { task, call } = taskSpans(hex(16), BASE + i);
  return JSON.stringify(tracesRequest({ 'service.name': 'soak-agent' }, [task, call]));
}

/** POSTs one export on a fresh connection; resolves with the status, or 0 if the bridge died. */
function post(url: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      `${url}/v1/traces`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

describe('bridge spool under kill -9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-spool-soak-'));
  let devserver: DevServer | undefined;
  let running: BridgeProcess | undefined;
  afterAll(async () => {
    await running?.kill9();
    await devserver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`stores every task it answered 200 exactly once across ${KILLS} kills at random moments`, async () => {
    devserver = await startDevServer({ rateLimit: false });
    const server = devserver;
    const acknowledged = new Set<number>();
    let sent = 0;
    const killedAfterMs: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      running = await startBridgeProcess({ spoolDir: dir, server, taskIdleMs: 300 });
      const bridge = running;
      const runMs = RUN_MS[0] + Math.floor(Math.random() * (RUN_MS[1] - RUN_MS[0]));
      let stop = false;
      // Two senders, as an OTLP exporter's workers: each posts the next task once answered.
      const sender = async () => {
        while (!stop) {
          const i = sent++;
          if ((await post(bridge.url, taskExport(i))) === 200) acknowledged.add(i);
        }
      };
      const senders = Promise.all([sender(), sender()]);
      await new Promise((resolve) => setTimeout(resolve, runMs));
      await bridge.kill9();
      killedAfterMs.push(runMs);
      stop = true;
      await senders;
    }
    // A last run finds what the kills left: open tasks close, undelivered events go out.
    running = await startBridgeProcess({ spoolDir: dir, server, taskIdleMs: 300 });
    const last = running;
    const deadline = Date.now() + 30_000;
    const storedTasks = () =>
      server.listEvents().map((e) => (e.actual_input_tokens as number) - BASE);
    while (Date.now() < deadline) {
      const stored = new Set(storedTasks());
      if ([...acknowledged].every((i) => stored.has(i))) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await last.stop()).toBe(0);

    const counts = new Map<number, number>();
    for (const i of storedTasks()) counts.set(i, (counts.get(i) ?? 0) + 1);
    const lost = [...acknowledged].filter((i) => counts.get(i) !== 1);
    const twice = [...counts].filter(([, n]) => n > 1).map(([i]) => i);
    console.log(
      `spool soak: ${KILLS} kills after ${killedAfterMs.join(', ')} ms; ${sent} tasks sent, ${acknowledged.size} answered 200, ${counts.size} stored`,
    );
    expect(acknowledged.size).toBeGreaterThan(KILLS * 5);
    expect(lost).toEqual([]);
    expect(twice).toEqual([]);
    // Tasks cut off by a kill before their answer may be stored (once) or not; none is invented.
    expect([...counts.keys()].every((i) => i >= 0 && i < sent)).toBe(true);
  }, 120_000);
});
