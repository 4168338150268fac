import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../src/index.js';
import { makeEvent } from './make-event.js';
import { postJson } from './post-json.js';

const EVENTS = '/v1/events/batch';

describe('devserver', () => {
  let server: DevServer;
  const send = () =>
    postJson<{ accepted: number }>(server, EVENTS, { events: [makeEvent(server.instanceId)] });
  const rawSend = () =>
    fetch(`${server.url}${EVENTS}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ events: [makeEvent(server.instanceId)] }),
    });

  beforeEach(async () => {
    server = await startDevServer();
  });
  afterEach(async () => {
    await server.close();
  });

  describe('faults', () => {
    describe('failNext', () => {
      it('answers the next N POSTs with the status without storing, then recovers', async () => {
        server.faults.failNext(2, 503);
        expect((await send()).status).toBe(503);
        const second = await send();
        expect(second.status).toBe(503);
        expect(second.body).toEqual({ error: 'injected fault: 503' });
        expect(server.countEvents()).toBe(0);
        expect((await send()).status).toBe(200);
        expect(server.countEvents()).toBe(1);
      });

      it('sends Retry-After and a custom body when asked', async () => {
        server.faults.failNext(1, 429, { retryAfter: '7', body: '{"error":"slow down"}' });
        const answer = await send();
        expect(answer.status).toBe(429);
        expect(answer.headers.get('retry-after')).toBe('7');
        expect(answer.body).toEqual({ error: 'slow down' });
      });

      it('applies faults in the order they were injected', async () => {
        server.faults.failNext(1, 503);
        server.faults.failNext(1, 500);
        server.faults.malformedNext(1);
        expect((await send()).status).toBe(503);
        expect((await send()).status).toBe(500);
        await expect((await rawSend()).json()).rejects.toThrow();
        expect((await send()).status).toBe(200);
      });

      it('answers before authentication, so even a keyless POST gets the fault', async () => {
        server.faults.failNext(1, 502);
        const answer = await postJson(server, EVENTS, { events: [] }, { apiKey: null });
        expect(answer.status).toBe(502);
      });

      it('leaves GET requests alone', async () => {
        server.faults.failNext(1, 503);
        expect((await fetch(`${server.url}/health`)).status).toBe(200);
        expect((await send()).status).toBe(503);
      });
    });

    describe('delayNext', () => {
      it('waits the given time, then processes the request', async () => {
        server.faults.delayNext(1, 300);
        const started = performance.now();
        const answer = await send();
        expect(performance.now() - started).toBeGreaterThanOrEqual(290);
        expect(answer.body.accepted).toBe(1);
        expect(server.countEvents()).toBe(1);
      });

      it('lets close() finish while a delayed request is pending', async () => {
        server.faults.delayNext(1, 10_000);
        const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
        const before = timers();
        const pending = rawSend().catch((error: unknown) => error);
        // Wait (event-driven deadline, not a fixed sleep) until the request holds its delay timer.
        for (const deadline = Date.now() + 10_000; timers() <= before && Date.now() < deadline; ) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect(timers()).toBeGreaterThan(before);
        const started = performance.now();
        await server.close();
        // Well under the 10 s delay: close() does not wait for it (slack for a loaded machine).
        expect(performance.now() - started).toBeLessThan(5000);
        expect(await pending).toBeInstanceOf(Error);
        // The delay's timer is cancelled too, so it cannot hold the process open.
        expect(timers()).toBeLessThanOrEqual(before);
      });
    });

    describe('resetNext', () => {
      it('destroys the connection without an answer and stores nothing', async () => {
        server.faults.resetNext(1);
        await expect(rawSend()).rejects.toThrow();
        expect(server.countEvents()).toBe(0);
        expect((await send()).status).toBe(200);
      });
    });

    describe('malformedNext', () => {
      it('answers 200 with a body that is not JSON and stores nothing', async () => {
        server.faults.malformedNext(1);
        const response = await rawSend();
        expect(response.status).toBe(200);
        const text = await response.text();
        expect(() => JSON.parse(text)).toThrow();
        expect(server.countEvents()).toBe(0);
      });
    });

    describe('clear', () => {
      it('drops every pending fault', async () => {
        server.faults.failNext(3, 503);
        server.faults.resetNext(1);
        server.faults.clear();
        expect((await send()).status).toBe(200);
      });
    });
  });
});
