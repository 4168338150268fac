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
  next_before: number | null;
}

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
      const modules = ['app', 'dom', 'charts', 'task-table', 'prediction-panel'].map(
        (m) => `/assets/${m}.js`,
      );
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
        `/api/tasks?limit=20&before=${first.body.next_before}`,
      );
      expect(second.body.tasks.map((t) => t.event_id)).toEqual(
        events
          .slice(0, 10)
          .reverse()
          .map((e) => e.event_id),
      );
      expect(second.body.next_before).toBeNull();

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
      ['before=-1', 'before: must be an integer from 1 to 9007199254740991'],
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

  describe('GET /api/summary', () => {
    it('sums tokens and cost per hour, task type and model', async () => {
      server = await startDevServer({ rateLimit: false });
      await store([
        makeEvent(server.instanceId, {
          actual_input_tokens: 100,
          actual_cost_usd_micros: 5,
          timestamp: '2026-01-01T10:15:00Z',
        }),
        makeEvent(server.instanceId, {
          actual_input_tokens: 200,
          actual_cost_usd_micros: 7,
          timestamp: '2026-01-01T10:45:00Z',
          model: 'other',
        }),
        makeEvent(server.instanceId, {
          actual_input_tokens: 300,
          actual_cost_usd_micros: 1,
          timestamp: '2026-01-01T12:00:00Z',
          task_type: 'testing',
        }),
      ]);
      const summary = await get<{
        stored_events: number;
        totals: { events: number; input_tokens: number; cost_usd_micros: number };
        hourly: { hour_start: string; events: number; input_tokens: number }[];
        by_task_type: { task_type: string; events: number }[];
        by_model: { model: string; cost_usd_micros: number }[];
        dimensions: { models: string[] };
      }>(server, '/api/summary');
      expect(summary.body.stored_events).toBe(3);
      expect(summary.body.totals).toMatchObject({
        events: 3,
        input_tokens: 600,
        cost_usd_micros: 13,
      });
      expect(summary.body.hourly.map((h) => [h.hour_start, h.events, h.input_tokens])).toEqual([
        ['2026-01-01T10:00:00.000Z', 2, 300],
        ['2026-01-01T12:00:00.000Z', 1, 300],
      ]);
      expect(summary.body.by_task_type.map((t) => [t.task_type, t.events])).toEqual([
        ['implementation', 2],
        ['testing', 1],
      ]);
      expect(summary.body.by_model.map((m) => [m.model, m.cost_usd_micros])).toEqual([
        ['other', 7],
        ['claude-x', 6],
      ]);
      expect(summary.body.dimensions.models).toEqual(['claude-x', 'other']);
      const late = await get<{ totals: { events: number } }>(
        server,
        '/api/summary?from=2026-01-01T11:00:00Z',
      );
      expect(late.body.totals.events).toBe(1);
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
      for (const path of ['/api/tasks', '/api/summary']) {
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
