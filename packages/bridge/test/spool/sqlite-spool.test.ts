import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { SpanRecord } from '../../src/model/exporter-core.js';
import { type KeyedRequest, keyOf } from '../../src/model/keyed-request.js';
import { openSqliteSpool } from '../../src/spool/open-sqlite-spool.js';
import { SpoolOpenError } from '../../src/spool/spool-open-error.js';
import { SpoolWriteError } from '../../src/spool/spool-write-error.js';
import { SqliteSpool } from '../../src/spool/sqlite-spool.js';
import { startBridge } from '../../src/start-bridge.js';
import { hex, span, tracesRequest } from '../support/otlp-json.js';
import { postOtlp } from '../support/post-otlp.js';
import { type RecordingUpstream, startRecordingUpstream } from '../support/recording-upstream.js';
import { spooledBridgeOptions } from '../support/spooled-bridge-options.js';
import { until } from '../support/until.js';

const record = (
  traceId: string,
  name: string,
  attributes: SpanRecord['attributes'],
): SpanRecord => ({
  traceId,
  spanId: hex(8),
  parentSpanId: undefined,
  name,
  kind: 0,
  startTimeMs: 1_000,
  endTimeMs: 2_000,
  statusCode: 0,
  attributes,
  resourceAttributes: { 'service.name': 'agent' },
  scopeName: 'test',
});

const keyedRequest = (promptId: string): KeyedRequest => ({
  source: 'claude_code.logs',
  sessionId: 's1',
  promptId,
  from: 'logs',
  request: {
    id: `r-${promptId}`,
    startMs: 1_000,
    endMs: 2_000,
    inputTokens: 10,
    outputTokens: 5,
    model: 'claude-sonnet-4-5',
    provider: 'anthropic',
    failed: false,
  },
  resourceAttributes: { 'service.name': 'claude-code' },
});

/** A bridge restarted on the spool folder `dir`, delivering to `upstream`. */
const restartOn = (dir: string, upstream: RecordingUpstream, taskIdleMs = 600_000) =>
  startBridge(spooledBridgeOptions(dir, upstream.url, taskIdleMs));

const event = (id: string) =>
  ({ event_id: id, task_type: 'testing' }) as unknown as TaskCompletionEvent;

describe('SqliteSpool', () => {
  const dirs: string[] = [];
  const spools: SqliteSpool[] = [];
  let upstream: RecordingUpstream | undefined;
  const open = async (dir: string, maxBytes = 1 << 20) => {
    const spool = await openSqliteSpool(dir, maxBytes);
    spools.push(spool);
    return spool;
  };
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-spool-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const s of spools.splice(0)) s.close();
    await upstream?.close();
    upstream = undefined;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  describe('load', () => {
    it('gives back what was kept and not forgotten, across a reopen, in arrival order', async () => {
      const dir = folder();
      const first = await open(dir);
      const [t1, t2] = [hex(16), hex(16)];
      const a = record(t1, 'task', { 'mosaic.task.type': 'testing' });
      const b = record(t2, 'chat', { 'gen_ai.usage.input_tokens': 3 });
      first.atomically(() => {
        first.keepSpans([a, b], [t1, 'aaaa', '', t2, 'bbbb', 'cccc'], 1_700_000_000_000);
        first.keepKeyed(keyOf(keyedRequest('p1')), keyedRequest('p1'));
        first.keepKeyed(keyOf(keyedRequest('p2')), keyedRequest('p2'));
        first.keepCost('r-p1', 1234);
        first.keepCovered(['s1\u0000r-p1', 's1\u0000r-p2']);
        first.keepStream('stream-a', { startMs: 1, timeMs: 10, value: 100 });
        first.keepStream('stream-b', { startMs: 1, timeMs: 10, value: 7 });
        // A stream's newer point replaces its last one, and makes it the most recently kept.
        first.keepStream('stream-a', { startMs: 1, timeMs: 20, value: 150 });
        first.keepEvents([event('e1'), event('e2')]);
      });
      first.forgetTrace(t2);
      first.forgetKeyed(keyOf(keyedRequest('p2')));
      first.forgetEvents([event('e2')]);
      const kept = first.stats();
      expect(kept).toMatchObject({ openTasks: 2, undeliveredEvents: 1 });
      first.close();

      const second = await open(dir);
      expect(second.stats()).toEqual(kept);
      expect(second.load()).toEqual({
        traces: [{ spans: [a], links: [t1, 'aaaa', ''], atMs: 1_700_000_000_000 }],
        keyed: [keyedRequest('p1')],
        costs: [['r-p1', 1234]],
        covered: ['s1\u0000r-p1', 's1\u0000r-p2'],
        streams: [
          ['stream-b', { startMs: 1, timeMs: 10, value: 7 }],
          ['stream-a', { startMs: 1, timeMs: 20, value: 150 }],
        ],
        events: [event('e1')],
      });
    });

    it('is empty and counts 0 bytes once everything kept was forgotten', async () => {
      const spool = await open(folder());
      const t = hex(16);
      spool.keepSpans([record(t, 'task', {})], [], Date.now());
      spool.keepEvents([event('e1')]);
      expect(spool.stats().bytes).toBeGreaterThan(0);
      spool.forgetTrace(t);
      spool.forgetEvents([event('e1')]);
      expect(spool.stats()).toMatchObject({ bytes: 0, openTasks: 0, undeliveredEvents: 0 });
      expect(spool.load()).toMatchObject({ traces: [], keyed: [], events: [] });
    });
  });

  describe('undelivered', () => {
    it('gives the oldest events kept and not forgotten, up to the limit, and holdsEvent agrees', async () => {
      const spool = await open(folder());
      spool.keepEvents(['e1', 'e2', 'e3', 'e4'].map(event));
      spool.forgetEvents([event('e2')]);
      expect(spool.undelivered(2).map((e) => e.event_id)).toEqual(['e1', 'e3']);
      expect(spool.undelivered(10).map((e) => e.event_id)).toEqual(['e1', 'e3', 'e4']);
      expect(spool.undelivered(0)).toEqual([]);
      expect(spool.undelivered(1)).toEqual([event('e1')]);
      expect([spool.holdsEvent('e1'), spool.holdsEvent('e2'), spool.holdsEvent('zz')]).toEqual([
        true,
        false,
        false,
      ]);
      spool.close();
      expect(spool.undelivered(10)).toEqual([]);
    });
  });

  describe('atomically', () => {
    it('throws SpoolWriteError when SQLite cannot write, and keeps and counts nothing of that write', async () => {
      const dir = folder();
      const db = new Database(join(dir, 'small.sqlite'));
      const spool = new SqliteSpool(db, dir, 1 << 30);
      spools.push(spool);
      const t = hex(16);
      spool.keepSpans([record(t, 'task', {})], [], Date.now());
      const before = spool.stats();
      // No room for one more page: the next large row cannot be written (SQLITE_FULL).
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
      expect(() =>
        spool.atomically(() => {
          spool.forgetTrace(t);
          spool.keepSpans([record(hex(16), 'chat', { big: 'x'.repeat(100_000) })], [], Date.now());
        }),
      ).toThrow(new SpoolWriteError('the spool cannot be written (SQLITE_FULL): retry later'));
      expect(spool.stats()).toEqual(before);
      expect(spool.load().traces).toHaveLength(1);
    });
  });

  describe('refusal', () => {
    it('refuses once the bytes kept reach maxBytes, and not after they are forgotten', async () => {
      const spool = await open(folder(), 300);
      const t = hex(16);
      expect(spool.refusal).toBeUndefined();
      spool.keepSpans([record(t, 'task', { 'mosaic.task.type': 'testing' })], [], Date.now());
      spool.keepEvents([event('e1')]);
      expect(spool.refusal).toMatch(/^the spool is full \(\d+ of 300 bytes/);
      spool.forgetTrace(t);
      spool.forgetEvents([event('e1')]);
      expect(spool.refusal).toBeUndefined();
    });
  });

  describe('open', () => {
    it('refuses a folder another spool holds, naming it', async () => {
      const dir = folder();
      await open(dir);
      await expect(openSqliteSpool(dir, 1000)).rejects.toThrow(
        new SpoolOpenError(
          `the spool ${dir} is in use by another bridge: give each bridge its own spool folder`,
        ),
      );
    });

    it('refuses a folder it cannot create, naming it', async () => {
      const file = join(folder(), 'a-file');
      writeFileSync(file, '');
      const dir = join(file, 'spool');
      await expect(openSqliteSpool(dir, 1000)).rejects.toThrow(
        new RegExp(`^the spool ${dir} cannot be opened: ENOTDIR`),
      );
    });
  });

  describe('startBridge on a spool a killed bridge left', () => {
    it('rebuilds its open tasks and sends its undelivered events, reports the finished task at close and keeps the open one for the start after', async () => {
      upstream = await startRecordingUpstream();
      const dir = folder();
      const left = await open(dir);
      const traceId = hex(16);
      left.keepSpans(
        [record(traceId, 'task', { 'mosaic.task.type': 'refactoring' })],
        [],
        Date.now(),
      );
      left.keepKeyed(keyOf(keyedRequest('p1')), keyedRequest('p1'));
      left.keepCost('r-p1', 99);
      left.keepEvents([event('3f1c9a52-0000-8000-8000-000000000001')]);
      left.close();

      const bridge = await restartOn(dir, upstream);
      expect(bridge.stats.openTasks).toBe(2);
      expect(bridge.stats.spool).toMatchObject({ dir, openTasks: 2 });
      await bridge.close();
      const types = () =>
        upstream?.bodies
          .flatMap((b) => (JSON.parse(b) as { events: Array<{ task_type: string }> }).events)
          .map((e) => e.task_type)
          .sort();
      // The trace's task span has ended: reported. Prompt p1's logs may go on: kept.
      expect(types()).toEqual(['refactoring', 'testing']);
      expect(bridge.stats.spool).toMatchObject({ openTasks: 1, undeliveredEvents: 0 });
      const next = await restartOn(dir, upstream, 50);
      await until(
        () => next.stats.openTasks,
        (open) => open === 0,
      );
      await next.close();
      expect(types()).toEqual(['refactoring', 'testing', 'unknown']);
      const after = await open(dir);
      expect(after.stats()).toMatchObject({ bytes: 0, openTasks: 0, undeliveredEvents: 0 });
    });

    it('reduces a tool span an earlier version spooled with its text (cut to 1,024 characters) to its gate run', async () => {
      upstream = await startRecordingUpstream();
      const dir = folder();
      const left = await open(dir);
      const traceId = hex(16);
      const prompt = { ...record(traceId, 'SessionPrompt.prompt', {}), spanId: hex(8) };
      const tool = (command: string, exit: number): SpanRecord => ({
        ...record(traceId, 'ai.toolCall', {
          'ai.toolCall.name': 'bash',
          'ai.toolCall.id': `call_${hex(4)}`,
          'ai.toolCall.args': JSON.stringify({ command }),
          'ai.toolCall.result': JSON.stringify({ metadata: { output: 'x', exit } }),
        }),
        parentSpanId: prompt.spanId,
        resourceAttributes: { 'service.name': 'opencode' },
      });
      left.keepSpans([tool('pnpm lint', 1), tool('pnpm test', 0)], [], Date.now());
      left.close();

      const bridge = await restartOn(dir, upstream);
      // The prompt span arrives after the restart and completes the task.
      await postOtlp(
        bridge.url,
        '/v1/traces',
        JSON.stringify(
          tracesRequest({ 'service.name': 'opencode' }, [
            span({ traceId, spanId: prompt.spanId, name: 'SessionPrompt.prompt' }),
          ]),
        ),
      );
      await bridge.close();
      const events = upstream.bodies.flatMap(
        (b) => (JSON.parse(b) as { events: Array<Record<string, unknown>> }).events,
      );
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        quality_gates_run: ['lint', 'test'],
        quality_gates_failed: ['lint'],
      });
    });
  });
});
