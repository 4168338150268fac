import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeInternals } from '../src/receiver/bridge-runtime.js';
import { startBridge } from '../src/start-bridge.js';
import type { Bridge, BridgeOptions } from '../src/types.js';
import { hex, taskSpans, tracesRequest } from './support/otlp-json.js';
import { postOtlp } from './support/post-otlp.js';
import { until } from './support/until.js';

/** How the stand-in server answers now ('up-once': one request stored, then 'hang'). */
type Mode = 'down' | 'up' | 'up-once' | 'hang' | { retryAfterSeconds: number };

/** A loopback Mosaic server stand-in whose answer can be switched, recording every request. */
interface FlakyUpstream {
  readonly url: string;
  mode: Mode;
  /** Every request: when it arrived, its event ids, and the status answered (0: held). */
  readonly requests: { at: number; answeredAt: number; ids: string[]; status: number }[];
  /** Ids the server stored, in order (a second accept of one would show as a repeat). */
  readonly accepted: string[];
  /** Events that arrived while another request carrying the same id was still open. */
  readonly overlapping: string[];
  close(): Promise<void>;
}

async function startFlakyUpstream(): Promise<FlakyUpstream> {
  const open = new Map<string, number>();
  const held: http.ServerResponse[] = [];
  const upstream: Omit<FlakyUpstream, 'url' | 'close'> = {
    mode: 'down',
    requests: [],
    accepted: [],
    overlapping: [],
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const events = (
        JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          events: { event_id: string }[];
        }
      ).events;
      const ids = events.map((e) => e.event_id);
      for (const id of ids) {
        if ((open.get(id) ?? 0) > 0) upstream.overlapping.push(id);
        open.set(id, (open.get(id) ?? 0) + 1);
      }
      const mode = upstream.mode;
      const entry = { at: Date.now(), answeredAt: 0, ids, status: 0 };
      upstream.requests.push(entry);
      let released = false;
      /** The request's ids are no longer open (answered, or given up by the client). */
      const release = () => {
        if (released) return;
        released = true;
        for (const id of ids) open.set(id, (open.get(id) ?? 1) - 1);
      };
      const answer = (status: number, headers: Record<string, string>, body: unknown) => {
        // A moment before answering, so a second request of the same id would overlap.
        setTimeout(() => {
          release();
          if (status === 200) upstream.accepted.push(...ids);
          entry.status = status;
          entry.answeredAt = Date.now();
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(body));
        }, 20);
      };
      if (mode === 'hang') {
        held.push(res);
        res.on('close', release);
      } else if (mode === 'down') answer(503, {}, { error: 'down' });
      else if (mode === 'up' || mode === 'up-once') {
        if (mode === 'up-once') upstream.mode = 'hang';
        answer(
          200,
          {},
          {
            accepted: ids.length,
            rejected: 0,
            results: ids.map((event_id) => ({ event_id, status: 'accepted', error: null })),
          },
        );
      } else {
        answer(429, { 'retry-after': String(mode.retryAfterSeconds) }, { error: 'slow down' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(upstream, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

/** An explicit task span with one model call beneath it, in a trace of its own. */
function taskTrace(inputTokens: number) {
  const { task, call } = taskSpans(hex(16), inputTokens);
  return [task, call];
}

const postTask = (bridge: Bridge, inputTokens: number) =>
  postOtlp(
    bridge.url,
    '/v1/traces',
    JSON.stringify(tracesRequest({ 'service.name': 'agent' }, taskTrace(inputTokens))),
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Events left in a spool file (read after its bridge closed). */
function spooledEvents(dir: string): number {
  const db = new Database(join(dir, 'spool.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Each id of `ids` counted once: how many times each was stored. */
function timesStored(accepted: readonly string[]): number[] {
  const counts = new Map<string, number>();
  for (const id of accepted) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts.values()];
}

describe('bridge spool resender', () => {
  const dirs: string[] = [];
  let upstream: FlakyUpstream | undefined;
  let bridge: Bridge | undefined;
  afterEach(async () => {
    await bridge?.close();
    bridge = undefined;
    await upstream?.close();
    upstream = undefined;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A bridge on a fresh spool dir whose delivery gives up after one attempt. */
  async function start(
    server: FlakyUpstream,
    limits: BridgeInternals['limits'],
    telemetry: BridgeOptions['telemetry'] = {},
    dir = mkdtempSync(join(tmpdir(), 'bridge-resend-')),
  ): Promise<{ bridge: Bridge; dir: string }> {
    if (!dirs.includes(dir)) dirs.push(dir);
    const started = await startBridge(
      {
        port: 0,
        grpcPort: false,
        spoolDir: dir,
        taskIdleMs: 5_000,
        telemetry: {
          serverUrl: server.url,
          apiKey: 'ab'.repeat(32),
          instanceId: '3f1c9a52-7d4e-4b8a-9c21-5e6f7a8b9c0d',
          maxRetries: 0,
          requestTimeoutMs: 5_000,
          shutdownTimeoutMs: 1_000,
          ...telemetry,
        },
      },
      { limits: { traceSettleMs: 50, ...limits } },
    );
    return { bridge: started, dir };
  }

  /** Starts a bridge again on `dir`, waits until its spool holds no undelivered event, closes it. */
  async function restartUntilDelivered(server: FlakyUpstream, dir: string): Promise<void> {
    const reopened = (await start(server, { spoolResendMs: 100 }, {}, dir)).bridge;
    bridge = reopened;
    await until(
      () => reopened.stats.spool?.undeliveredEvents ?? -1,
      (n) => n === 0,
    );
    await reopened.close();
    bridge = undefined;
  }

  describe('while the bridge runs', () => {
    it('delivers every acknowledged task exactly once after the server was down past the retries, without a restart, backing off meanwhile', async () => {
      upstream = await startFlakyUpstream();
      const server = upstream;
      // A carry-over of 2: four of the six events are left to the spool alone.
      const started = await start(server, { spoolResendMs: 100 }, { maxQueueSize: 2 });
      bridge = started.bridge;
      const open = bridge;
      for (let i = 1; i <= 6; i++) expect((await postTask(open, 1000 + i)).status).toBe(200);
      await until(
        () => open.stats.spool?.undeliveredEvents ?? 0,
        (n) => n === 6,
      );
      // Down for 3 s: the first delivery gave up (no retries), the resender finds nothing delivered.
      const downFrom = Date.now();
      await sleep(3_000);
      const whileDown = server.requests.filter((r) => r.at >= downFrom).length;
      // Every 100 ms without backoff would be about 30 rounds; doubling waits make at most 6.
      expect(whileDown).toBeGreaterThanOrEqual(2);
      expect(whileDown).toBeLessThanOrEqual(8);
      expect(server.accepted).toEqual([]);

      server.mode = 'up';
      await until(
        () => open.stats.spool?.undeliveredEvents ?? -1,
        (n) => n === 0,
        // The wait may have doubled to 16 intervals (1.6 s) and more under load.
        30_000,
      );
      expect(new Set(server.accepted).size).toBe(6);
      expect(timesStored(server.accepted)).toEqual([1, 1, 1, 1, 1, 1]);
      expect(server.overlapping).toEqual([]);
      expect(open.stats.tasksReported).toBe(6);
      expect(open.stats.spool?.resent).toBeGreaterThanOrEqual(6);
      // Nothing is sent again once all is stored.
      const settled = server.requests.length;
      await sleep(500);
      expect(server.requests.length).toBe(settled);
    });

    it('sends nothing before a 429’s Retry-After has passed, then delivers once', async () => {
      upstream = await startFlakyUpstream();
      const server = upstream;
      server.mode = { retryAfterSeconds: 2 };
      const started = await start(server, { spoolResendMs: 50 });
      bridge = started.bridge;
      const open = bridge;
      expect((await postTask(open, 77)).status).toBe(200);
      await until(
        () => server.requests.filter((r) => r.status === 429).length,
        (n) => n >= 2,
      );
      server.mode = 'up';
      await until(
        () => open.stats.spool?.undeliveredEvents ?? -1,
        (n) => n === 0,
      );
      const { requests } = server;
      for (let i = 1; i < requests.length; i++) {
        const previous = requests[i - 1];
        if (previous?.status !== 429) continue;
        // Asked for 2 s at the answer; a few ms of clock granularity aside.
        expect((requests[i]?.at ?? 0) - previous.answeredAt).toBeGreaterThanOrEqual(1_990);
      }
      expect(requests.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(2);
      expect(timesStored(server.accepted)).toEqual([1]);
      expect(server.overlapping).toEqual([]);
    });
  });

  describe('close', () => {
    it('loses nothing when it comes during a resend: the event stays spooled and the next start delivers it once', async () => {
      upstream = await startFlakyUpstream();
      const server = upstream;
      const first = await start(server, { spoolResendMs: 100 });
      bridge = first.bridge;
      const open = bridge;
      expect((await postTask(open, 55)).status).toBe(200);
      await until(
        () => server.requests.filter((r) => r.status === 503).length,
        (n) => n >= 1,
      );
      // The next request is the resender's (nothing new arrives): the server holds it unanswered.
      server.mode = 'hang';
      const before = server.requests.length;
      await until(
        () => server.requests.length,
        (n) => n > before,
      );
      expect(server.requests.length).toBe(before + 1);
      expect(open.stats.spool?.resent).toBeGreaterThanOrEqual(1);
      await open.close();
      bridge = undefined;
      expect(spooledEvents(first.dir)).toBe(1);
      expect(server.accepted).toEqual([]);

      server.mode = 'up';
      await restartUntilDelivered(server, first.dir);
      expect(timesStored(server.accepted)).toEqual([1]);
      expect(spooledEvents(first.dir)).toBe(0);
    });

    it('loses nothing when it comes while spooled events (not the carry-over) are being resent', async () => {
      upstream = await startFlakyUpstream();
      const server = upstream;
      // A carry-over of 1: of two undelivered events, one is left to the spool alone.
      const first = await start(
        server,
        { spoolResendMs: 100 },
        { maxQueueSize: 1, requestTimeoutMs: 1_000 },
      );
      bridge = first.bridge;
      const open = bridge;
      expect((await postTask(open, 1)).status).toBe(200);
      expect((await postTask(open, 2)).status).toBe(200);
      await until(
        () => open.stats.tasksReported,
        (n) => n === 2,
      );
      await until(
        () => server.requests.filter((r) => r.status === 503).length,
        (n) => n >= 1,
      );
      // The carry-over's round is stored; the spool's round after it is held unanswered.
      server.mode = 'up-once';
      await until(
        () => [server.accepted.length, server.requests.filter((r) => r.status === 0).length],
        ([stored, held]) => stored === 1 && held === 1,
      );
      expect(server.accepted).toHaveLength(1);
      const held = server.requests.find((r) => r.status === 0);
      expect(held?.ids).toHaveLength(1);
      expect(server.accepted).not.toContain(held?.ids[0]);
      await open.close();
      bridge = undefined;
      expect(spooledEvents(first.dir)).toBe(1);

      server.mode = 'up';
      await restartUntilDelivered(server, first.dir);
      expect(timesStored(server.accepted)).toEqual([1, 1]);
      expect(server.overlapping).toEqual([]);
      expect(spooledEvents(first.dir)).toBe(0);
    });
  });
});
