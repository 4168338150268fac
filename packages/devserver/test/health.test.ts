import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../src/index.js';
import { makeEvent } from './make-event.js';
import { postJson } from './post-json.js';

describe('devserver', () => {
  let server: DevServer;
  beforeEach(async () => {
    server = await startDevServer();
  });
  afterEach(async () => {
    await server.close();
  });

  describe('GET /health', () => {
    it('answers ok with the stored event count and needs no key', async () => {
      await postJson(server, '/v1/events/batch', {
        events: [makeEvent(server.instanceId), makeEvent(server.instanceId)],
      });
      const response = await fetch(`${server.url}/health`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({ status: 'ok', events: 2 });
    });
  });

  describe('routing', () => {
    it('answers 404 with a JSON error for an unknown path', async () => {
      const response = await fetch(`${server.url}/v2/events/batch`, { method: 'POST' });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'not found: /v2/events/batch' });
    });

    it('answers 405 with Allow when the method is wrong', async () => {
      const get = await fetch(`${server.url}/v1/events/batch`);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      const post = await fetch(`${server.url}/health`, { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET');
      expect(((await post.json()) as { error: string }).error).toMatch(/POST not allowed/);
    });
  });

  describe('stats', () => {
    it('counts requests and accepted and rejected events', async () => {
      const event = makeEvent(server.instanceId);
      await postJson(server, '/v1/events/batch', { events: [event, event] });
      await fetch(`${server.url}/health`);
      expect(server.stats).toEqual({ requests: 2, eventsAccepted: 1, eventsRejected: 1 });
      expect(server.countEvents()).toBe(1);
    });
  });

  describe('close', () => {
    it('closes idle keep-alive sockets and stops listening', async () => {
      await fetch(`${server.url}/health`);
      const url = server.url;
      await server.close();
      await expect(fetch(`${url}/health`)).rejects.toThrow();
      await server.close();
    });
  });
});
