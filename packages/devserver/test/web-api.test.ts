import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { afterEach, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../src/index.js';
import { makeEvent } from './make-event.js';
import { postJson } from './post-json.js';

const get = async <T = { error: string }>(server: DevServer, path: string, apiKey?: string) => {
  const response = await fetch(
    `${server.url}${path}`,
    apiKey ? { headers: { Authorization: `Bearer ${apiKey}` } } : {},
  );
  const text = await response.text();
  const json = response.headers.get('content-type')?.startsWith('application/json');
  return {
    status: response.status,
    headers: response.headers,
    body: (json ? JSON.parse(text) : text) as T,
  };
};

interface TaskPage {
  tasks: (TaskCompletionEvent & { id: number })[];
  next_offset: number | null;
}

const at0 = (hours: number) => new Date(Date.UTC(2026, 0, 1) + hours * 3_600_000).toISOString();

describe('web view routes', () => {
  let server: DevServer;
  afterEach(async () => {
    await server?.close();
  });

  async function store(events: TaskCompletionEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 100) {
      const answer = await postJson<{ accepted: number }>(server, '/v1/events/batch', {
        events: events.slice(i, i + 100),
      });
      expect(answer.body.accepted).toBe(Math.min(100, events.length - i));
    }
  }

  describe('GET /', () => {
    it('serves the page and its scripts with a CSP that allows only the server itself', async () => {
      server = await startDevServer();
      const page = await get<string>(server, '/');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.body).toContain('<table id="task-table">');
      const modules = [
        'app',
        'dom',
        'state',
        'cards',
        'charts',
        'model-table',
        'task-table',
        'task-detail',
        'empty-state',
        'prediction-panel',
        'semconv',
      ].map((m) => `/assets/${m}.js`);
      // The enums come from the built semconv package, as a module the page imports.
      const semconv = await get<string>(server, '/assets/semconv.js');
      expect(semconv.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(semconv.body).toContain('SECURITY_AUDIT: "security_audit"');
      expect(semconv.body).toMatch(/export \{[^}]*\bTaskType\b/);
      for (const asset of [...modules, '/assets/style.css', '/assets/chart.umd.min.js']) {
        expect((await get(server, asset)).status, asset).toBe(200);
      }
      const post = await fetch(`${server.url}/`, { method: 'POST' });
      expect(post.status).toBe(405);
    });
  });

  describe('GET /api/tasks', () => {
    it('pages newest first with a cursor and filters on the dimensions, outcome and time', async () => {
      server = await startDevServer({ rateLimit: false });
      const events = Array.from({ length: 30 }, (_, i) =>
        makeEvent(server.instanceId, {
          model: i % 2 === 0 ? 'even' : 'odd',
          outcome: i % 10 === 0 ? 'failure' : 'success',
          timestamp: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
        }),
      );
      await store(events);
      const first = await get<TaskPage>(server, '/api/tasks?limit=20');
      expect(first.status).toBe(200);
      expect(first.body.tasks.map((t) => t.event_id)).toEqual(
        events
          .slice(10)
          .reverse()
          .map((e) => e.event_id),
      );
      const second = await get<TaskPage>(
        server,
        `/api/tasks?limit=20&offset=${first.body.next_offset}`,
      );
      expect(second.body.tasks.map((t) => t.event_id)).toEqual(
        events
          .slice(0, 10)
          .reverse()
          .map((e) => e.event_id),
      );
      expect(second.body.next_offset).toBeNull();

      const odd = await get<TaskPage>(server, '/api/tasks?model=odd&outcome=success');
      expect(odd.body.tasks).toHaveLength(15);
      const failed = await get<TaskPage>(
        server,
        '/api/tasks?outcome=failure&task_type=implementation',
      );
      expect(failed.body.tasks.map((t) => t.model)).toEqual(['even', 'even', 'even']);
      const window = await get<TaskPage>(
        server,
        '/api/tasks?from=2026-01-01T00:05:00Z&to=2026-01-01T00:08:00Z',
      );
      expect(window.body.tasks.map((t) => t.timestamp)).toEqual([
        '2026-01-01T00:07:00.000Z',
        '2026-01-01T00:06:00.000Z',
        '2026-01-01T00:05:00.000Z',
      ]);
    });

    it.each([
      ['limit=0', 'limit: must be an integer from 1 to 200'],
      ['limit=abc', 'limit: must be an integer from 1 to 200'],
      ['offset=-1', 'offset: must be an integer from 0 to 10000000'],
      ['sort=colour', 'sort: must be one of time, task_type, model'],
      ['order=up', 'order: must be one of asc, desc'],
      ['complexity=huge', 'complexity: must be one of'],
      ['from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'to: must be later than from'],
      ['task_type=nope', 'task_type: must be one of'],
      ['harness=vim', 'harness: must be one of'],
      ['from=yesterday', 'from: must be an ISO 8601 date-time'],
      [`model=${'m'.repeat(101)}`, 'model: must be at most 100 characters'],
    ])('answers 400 naming the parameter for %s', async (params, message) => {
      server = await startDevServer();
      const answer = await get(server, `/api/tasks?${params}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toContain(message);
    });
  });

  describe('GET /api/summary, /api/series, /api/breakdown', () => {
    const HOUR = 3_600_000;
    const T0 = Date.UTC(2026, 0, 1);
    const MODELS = ['alpha', 'beta', 'gamma'];
    const OUTCOMES = ['success', 'success', 'failure', 'timeout'] as const;

    /** 300 events over 30 hours, spread inside the hours, with known values. */
    const spread = (instanceId: string) =>
      Array.from({ length: 300 }, (_, i) =>
        makeEvent(instanceId, {
          timestamp: new Date(T0 + i * 6 * 60_000 + (i % 7) * 1_000).toISOString(),
          model: MODELS[i % 3] as string,
          provider: i % 5 === 0 ? 'openai' : 'anthropic',
          outcome: OUTCOMES[i % 4] as (typeof OUTCOMES)[number],
          harness: i % 2 === 0 ? 'claude_code' : 'aider',
          task_duration_ms: 500 + ((i * 7919) % 100_000),
          actual_input_tokens: 100 + i,
          actual_output_tokens: 10 + (i % 13),
          actual_cost_usd_micros: 1_000 + i,
          estimated_input_tokens: i % 3 === 0 ? 80 + i : 0,
          quality_gate_passed: i % 6 !== 0,
        }),
      );

    /** What the aggregates must equal, computed from the events themselves. */
    function expected(events: TaskCompletionEvent[]) {
      const n = events.length;
      const sum = (f: (e: TaskCompletionEvent) => number) => events.reduce((a, e) => a + f(e), 0);
      const estimated = events.filter((e) => e.estimated_input_tokens > 0);
      const durations = events.map((e) => e.task_duration_ms).sort((a, b) => a - b);
      const rank = (p: number) => durations[Math.max(1, Math.ceil(p * n)) - 1] as number;
      return {
        tasks: n,
        success_rate: n ? events.filter((e) => e.outcome === 'success').length / n : null,
        gate_pass_rate: n ? events.filter((e) => e.quality_gate_passed).length / n : null,
        input_tokens: sum((e) => e.actual_input_tokens),
        output_tokens: sum((e) => e.actual_output_tokens),
        cost_usd_micros: sum((e) => e.actual_cost_usd_micros),
        factor: estimated.length
          ? Math.round(
              (estimated.reduce((a, e) => a + e.actual_input_tokens, 0) /
                estimated.reduce((a, e) => a + e.estimated_input_tokens, 0)) *
                10_000,
            ) / 10_000
          : null,
        p50: n ? rank(0.5) : null,
        p95: n ? rank(0.95) : null,
      };
    }

    interface Totals {
      tasks: number;
      success_rate: number | null;
      gate_pass_rate: number | null;
      input_tokens: number;
      output_tokens: number;
      cost_usd_micros: number;
      correction_factors: { input: number | null; output: number | null };
      duration_ms: { p50: number | null; p95: number | null };
    }

    function expectTotals(actual: Totals, events: TaskCompletionEvent[], label: string) {
      const want = expected(events);
      expect(
        {
          tasks: actual.tasks,
          success_rate: actual.success_rate,
          gate_pass_rate: actual.gate_pass_rate,
          input_tokens: actual.input_tokens,
          output_tokens: actual.output_tokens,
          cost_usd_micros: actual.cost_usd_micros,
          factor: actual.correction_factors.input,
        },
        label,
      ).toEqual({
        tasks: want.tasks,
        success_rate: want.success_rate,
        gate_pass_rate: want.gate_pass_rate,
        input_tokens: want.input_tokens,
        output_tokens: want.output_tokens,
        cost_usd_micros: want.cost_usd_micros,
        factor: want.factor,
      });
      for (const p of ['p50', 'p95'] as const) {
        const exact = want[p];
        const got = actual.duration_ms[p];
        if (exact === null) expect(got, `${label} ${p}`).toBeNull();
        else
          expect(Math.abs((got as number) - exact), `${label} ${p}`).toBeLessThanOrEqual(
            exact * 0.032 + 1,
          );
      }
    }

    it('answers the totals of any range (whole hours and partial ends) and filters exactly', async () => {
      server = await startDevServer({ rateLimit: false });
      const events = spread(server.instanceId);
      await store(events);
      const cases: [string, (e: TaskCompletionEvent) => boolean][] = [['', () => true]];
      const at = (ms: number) => new Date(ms).toISOString();
      // Ranges inside one hour, across two, and across many with ragged ends.
      for (const [from, to] of [
        [T0 + 10 * 60_000, T0 + 40 * 60_000],
        [T0 + 50 * 60_000, T0 + HOUR + 20 * 60_000],
        [T0 + 2 * HOUR + 7_000, T0 + 20 * HOUR + 33 * 60_000],
        [T0 + 5 * HOUR, T0 + 9 * HOUR],
      ] as const) {
        const inRange = (e: TaskCompletionEvent) => {
          const t = Date.parse(e.timestamp);
          return t >= from && t < to;
        };
        cases.push([`from=${at(from)}&to=${at(to)}`, inRange]);
        cases.push([
          `from=${at(from)}&to=${at(to)}&model=beta&outcome=success`,
          (e) => inRange(e) && e.model === 'beta' && e.outcome === 'success',
        ]);
      }
      cases.push([
        `from=${at(T0 + 25 * HOUR + 1)}`,
        (e) => Date.parse(e.timestamp) >= T0 + 25 * HOUR + 1,
      ]);
      cases.push([
        `to=${at(T0 + 3 * HOUR - 1)}`,
        (e) => Date.parse(e.timestamp) < T0 + 3 * HOUR - 1,
      ]);
      cases.push([
        'provider=openai&harness=claude_code',
        (e) => e.provider === 'openai' && e.harness === 'claude_code',
      ]);
      cases.push(['complexity=high', () => false]);
      for (const [query, keep] of cases) {
        const answer = await get<{ stored_events: number; totals: Totals }>(
          server,
          `/api/summary?${query}`,
        );
        expect(answer.status, query).toBe(200);
        expect(answer.body.stored_events).toBe(300);
        expectTotals(answer.body.totals, events.filter(keep), query);
      }
    });

    it('groups tokens and cost per hour, day or week, and breaks totals down per model and task type', async () => {
      server = await startDevServer({ rateLimit: false });
      const events = spread(server.instanceId);
      await store(events);
      type Series = {
        grain: string;
        points: { start: string; tasks: number; cost_usd_micros: number }[];
      };
      const hourly = await get<Series>(server, '/api/series');
      expect(hourly.body.grain).toBe('hour');
      expect(hourly.body.points).toHaveLength(30);
      expect(hourly.body.points[0]).toMatchObject({ start: at0(0), tasks: 10 });
      const daily = await get<Series>(server, '/api/series?grain=day&utc_offset=-120');
      // Days start at 02:00 UTC for a clock two hours behind: the first two hours fall on Dec 31.
      expect(daily.body.points.map((p) => [p.start, p.tasks])).toEqual([
        ['2025-12-31T02:00:00.000Z', 20],
        ['2026-01-01T02:00:00.000Z', 240],
        ['2026-01-02T02:00:00.000Z', 40],
      ]);
      const weekly = await get<Series>(server, '/api/series?grain=week');
      expect(weekly.body.points.map((p) => [p.start, p.tasks])).toEqual([
        ['2025-12-29T00:00:00.000Z', 300],
      ]);
      const late = await get<Series>(server, `/api/series?from=${at0(29)}&model=alpha`);
      expect(late.body.points.map((p) => p.tasks)).toEqual([
        events.slice(290).filter((e) => e.model === 'alpha').length,
      ]);

      const byModel = await get<{
        groups: (Totals & { provider: string; model: string })[];
        other: Totals | null;
      }>(server, '/api/breakdown?by=model');
      expect(byModel.body.other).toBeNull();
      const pairs = byModel.body.groups.map((g) => `${g.provider}/${g.model}`);
      expect(new Set(pairs).size).toBe(6);
      for (const group of byModel.body.groups) {
        expectTotals(
          group,
          events.filter((e) => e.model === group.model && e.provider === group.provider),
          `${group.provider}/${group.model}`,
        );
      }
      const counts = byModel.body.groups.map((g) => g.tasks);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      const byType = await get<{ groups: (Totals & { task_type: string })[] }>(
        server,
        '/api/breakdown?by=task_type&outcome=failure',
      );
      expect(byType.body.groups.map((g) => [g.task_type, g.tasks])).toEqual([
        ['implementation', 75],
      ]);
    });

    it.each([
      ['/api/summary?outcome=lost', 'outcome: must be one of success, failure, partial, timeout'],
      ['/api/summary?from=soon', 'from: must be an ISO 8601 date-time'],
      ['/api/series?grain=month', 'grain: must be one of hour, day, week'],
      ['/api/series?utc_offset=900', 'utc_offset: must be an integer from -720 to 840'],
      ['/api/breakdown', 'by: missing; must be one of model, task_type'],
      ['/api/breakdown?by=colour', 'by: must be one of model, task_type'],
    ])('answers 400 naming the parameter for %s', async (path, message) => {
      server = await startDevServer();
      const answer = await get(server, path);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe(message);
    });
  });

  describe('GET /api/tasks sorting', () => {
    it('sorts on every column both ways, ties newest stored first, and pages by offset', async () => {
      server = await startDevServer({ rateLimit: false });
      const events = Array.from({ length: 12 }, (_, i) =>
        makeEvent(server.instanceId, {
          timestamp: new Date(Date.UTC(2026, 0, 1, 0, (i * 5) % 12)).toISOString(),
          actual_cost_usd_micros: (i * 7) % 5,
          model: `m${(i * 5) % 4}`,
          task_duration_ms: 1_000 + ((i * 11) % 12),
        }),
      );
      await store(events);
      const order = async (query: string) =>
        (await get<TaskPage>(server, `/api/tasks?${query}`)).body.tasks.map((t) =>
          events.findIndex((e) => e.event_id === t.event_id),
        );
      const byTime = [...events.keys()].sort(
        (a, b) =>
          Date.parse(events[b]?.timestamp ?? '') - Date.parse(events[a]?.timestamp ?? '') || b - a,
      );
      expect(await order('')).toEqual(byTime);
      const byCost = [...events.keys()].sort(
        (a, b) =>
          (events[a]?.actual_cost_usd_micros ?? 0) - (events[b]?.actual_cost_usd_micros ?? 0) ||
          a - b,
      );
      expect(await order('sort=cost&order=asc')).toEqual(byCost);
      const byModel = [...events.keys()].sort(
        (a, b) => (events[b]?.model ?? '').localeCompare(events[a]?.model ?? '') || b - a,
      );
      expect(await order('sort=model')).toEqual(byModel);
      expect(await order('sort=duration&order=asc&limit=3&offset=3')).toEqual(
        [...events.keys()]
          .sort((a, b) => (events[a]?.task_duration_ms ?? 0) - (events[b]?.task_duration_ms ?? 0))
          .slice(3, 6),
      );
      for (const sort of [
        'task_type',
        'provider',
        'harness',
        'complexity',
        'input_tokens',
        'output_tokens',
        'outcome',
      ]) {
        expect((await order(`sort=${sort}&order=asc`)).length, sort).toBe(12);
      }
    });
  });

  describe('GET /api/predictions', () => {
    it('answers like the v1 route and validates the query the same way', async () => {
      server = await startDevServer();
      await store([makeEvent(server.instanceId, { actual_input_tokens: 1234 })]);
      const q = 'task_type=implementation&model=claude-x&provider=anthropic&complexity=medium';
      const answer = await get<{ prediction: { input_tokens: { median: number } } }>(
        server,
        `/api/predictions?${q}`,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.prediction.input_tokens.median).toBe(1234);
      const bad = await get(server, `/api/predictions?${q.replace('medium', 'huge')}`);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('query.complexity: must be one of low, medium, high, critical');
    });
  });

  describe('auth', () => {
    it('needs the Bearer key on the JSON routes when reads require it, never on the page', async () => {
      server = await startDevServer({ requireKeyForReads: true });
      expect((await get(server, '/')).status).toBe(200);
      for (const path of [
        '/api/tasks',
        '/api/summary',
        '/api/series',
        '/api/breakdown?by=model',
        '/api/setup',
      ]) {
        const anonymous = await get(server, path);
        expect(anonymous.status, path).toBe(401);
        expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
        expect((await get(server, path, 'ab'.repeat(32))).status, path).toBe(401);
        expect((await get(server, path, server.apiKey)).status, path).toBe(200);
      }
    });

    it('leaves the JSON routes open on loopback by default', async () => {
      server = await startDevServer();
      expect((await get(server, '/api/summary')).status).toBe(200);
    });
  });
});
