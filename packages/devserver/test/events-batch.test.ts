import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import { type BatchEventResponse, MAX_REQUEST_BODY_BYTES } from '@mosaicstack/telemetry-semconv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../src/index.js';
import { makeEvent } from './make-event.js';
import { postJson } from './post-json.js';

const EVENTS = '/v1/events/batch';

/** The per-event results answer, with event_id null for events that carried no string id. */
type EventsAnswer = Omit<BatchEventResponse, 'results'> & {
  results: { event_id: string | null; status: string; error: string | null }[];
};

describe('devserver', () => {
  let server: DevServer;
  beforeEach(async () => {
    server = await startDevServer();
  });
  afterEach(async () => {
    await server.close();
  });

  describe('POST /v1/events/batch', () => {
    describe('auth', () => {
      it('answers 401 with WWW-Authenticate when the Authorization header is missing', async () => {
        const answer = await postJson(
          server,
          EVENTS,
          { events: [makeEvent(server.instanceId)] },
          {
            apiKey: null,
          },
        );
        expect(answer.status).toBe(401);
        expect(answer.headers.get('www-authenticate')).toBe('Bearer');
        expect(answer.body.error).toMatch(/^Authorization: missing Bearer token/);
        expect(server.countEvents()).toBe(0);
      });

      it('answers 401 when the scheme is not Bearer', async () => {
        const answer = await postJson(
          server,
          EVENTS,
          { events: [makeEvent(server.instanceId)] },
          {
            apiKey: null,
            headers: { Authorization: `Basic ${server.apiKey}` },
          },
        );
        expect(answer.status).toBe(401);
      });

      it('answers 401 naming the key when the key is unknown', async () => {
        const answer = await postJson(
          server,
          EVENTS,
          { events: [makeEvent(server.instanceId)] },
          {
            apiKey: randomBytes(32).toString('hex'),
          },
        );
        expect(answer.status).toBe(401);
        expect(answer.body.error).toBe('Authorization: unknown API key');
      });

      it('answers 401 when the key is a prefix of the real key', async () => {
        const answer = await postJson(
          server,
          EVENTS,
          { events: [makeEvent(server.instanceId)] },
          {
            apiKey: server.apiKey.slice(0, 63),
          },
        );
        expect(answer.status).toBe(401);
      });

      it('answers 403 for the whole request when one event belongs to another instance', async () => {
        const otherInstance = randomUUID();
        server.addInstance(randomBytes(32).toString('hex'), otherInstance);
        const events = [makeEvent(server.instanceId), makeEvent(otherInstance)];
        const answer = await postJson(server, EVENTS, { events });
        expect(answer.status).toBe(403);
        expect(answer.body.error).toMatch(/^events\[1\]\.instance_id: /);
        expect(server.countEvents()).toBe(0);
      });

      it('accepts events of an added instance sent with its own key', async () => {
        const otherKey = randomBytes(32).toString('hex');
        const otherInstance = randomUUID();
        server.addInstance(otherKey, otherInstance);
        const answer = await postJson<EventsAnswer>(
          server,
          EVENTS,
          { events: [makeEvent(otherInstance)] },
          { apiKey: otherKey },
        );
        expect(answer.status).toBe(200);
        expect(answer.body.accepted).toBe(1);
        const cross = await postJson(
          server,
          EVENTS,
          { events: [makeEvent(server.instanceId)] },
          { apiKey: otherKey },
        );
        expect(cross.status).toBe(403);
      });
    });

    describe('request checks', () => {
      it('answers 415 when the Content-Type is not application/json', async () => {
        const answer = await postJson(
          server,
          EVENTS,
          { events: [makeEvent(server.instanceId)] },
          {
            headers: { 'Content-Type': 'text/plain' },
          },
        );
        expect(answer.status).toBe(415);
        expect(answer.body.error).toMatch(/^Content-Type: must be application\/json/);
      });

      it('accepts application/json with a charset parameter', async () => {
        const answer = await postJson(
          server,
          EVENTS,
          { events: [makeEvent(server.instanceId)] },
          {
            headers: { 'Content-Type': 'Application/JSON; charset=utf-8' },
          },
        );
        expect(answer.status).toBe(200);
      });

      it('answers 413 and closes the connection when the body exceeds 1 MiB', async () => {
        const answer = await postJson(server, EVENTS, null, {
          raw: ' '.repeat(MAX_REQUEST_BODY_BYTES + 1),
        });
        expect(answer.status).toBe(413);
        expect(answer.headers.get('connection')).toBe('close');
        expect(answer.body.error).toMatch(/^body: larger than the limit of 1048576 bytes/);
      });

      it('answers 413 from Content-Length alone and closes without reading the body', async () => {
        const { port } = new URL(server.url);
        const socket = connect(Number(port), '127.0.0.1');
        let received = '';
        socket.on('data', (chunk: Buffer) => {
          received += chunk.toString();
        });
        socket.write(
          `POST ${EVENTS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${server.apiKey}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${8 * MAX_REQUEST_BODY_BYTES}\r\n\r\n{`,
        );
        await once(socket, 'close');
        expect(received).toMatch(/^HTTP\/1\.1 413 /);
        expect(received).toMatch(/\r\nConnection: close\r\n/i);
      });

      it('answers 413 when a chunked body without Content-Length grows past 1 MiB', async () => {
        const chunk = new TextEncoder().encode(' '.repeat(64 * 1024));
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < 20; i++) controller.enqueue(chunk);
            controller.close();
          },
        });
        const response = await fetch(`${server.url}${EVENTS}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${server.apiKey}`, 'Content-Type': 'application/json' },
          body: stream,
          duplex: 'half',
        } as RequestInit);
        expect(response.status).toBe(413);
        await response.body?.cancel();
      });

      it('accepts a body of exactly 1 MiB', async () => {
        const json = JSON.stringify({ events: [makeEvent(server.instanceId)] });
        const raw = json.padEnd(MAX_REQUEST_BODY_BYTES, ' ');
        const answer = await postJson<EventsAnswer>(server, EVENTS, null, { raw });
        expect(answer.status).toBe(200);
        expect(answer.body.accepted).toBe(1);
      });

      it('answers 400 naming the body when it is not valid JSON', async () => {
        const answer = await postJson(server, EVENTS, null, { raw: '{"events": [' });
        expect(answer.status).toBe(400);
        expect(answer.body.error).toMatch(/^body: invalid JSON/);
      });

      it.each([
        ['the body is an array', [], /^body: must be a JSON object with an? "events" array/],
        ['events is missing', { batch: [] }, /^events: missing/],
        ['events is not an array', { events: {} }, /^events: must be an array/],
        ['events is empty', { events: [] }, /^events: must hold at least 1 item/],
      ])('answers 400 naming the problem when %s', async (_case, body, message) => {
        const answer = await postJson(server, EVENTS, body);
        expect(answer.status).toBe(400);
        expect(answer.body.error).toMatch(message);
      });

      it('answers 400 when a batch holds more than 100 events', async () => {
        const events = Array.from({ length: 101 }, () => makeEvent(server.instanceId));
        const answer = await postJson(server, EVENTS, { events });
        expect(answer.status).toBe(400);
        expect(answer.body.error).toBe('events: must hold at most 100 items, got 101');
        expect(server.countEvents()).toBe(0);
      });

      it('accepts a batch of exactly 100 events', async () => {
        const events = Array.from({ length: 100 }, () => makeEvent(server.instanceId));
        const answer = await postJson<EventsAnswer>(server, EVENTS, { events });
        expect(answer.body).toMatchObject({ accepted: 100, rejected: 0 });
        expect(server.countEvents()).toBe(100);
      });
    });

    describe('per-event results', () => {
      it.each([
        ['model is empty', { model: '' }, /^model: /],
        ['task_type is not an enum value', { task_type: 'bogus' }, /^task_type: must be one of /],
        ['actual_input_tokens is negative', { actual_input_tokens: -1 }, /^actual_input_tokens: /],
        ['retry_count is above 20', { retry_count: 21 }, /^retry_count: /],
        ['timestamp is not ISO', { timestamp: 'yesterday' }, /^timestamp: /],
        ['an unknown field is present', { prompt: 'secret' }, /^prompt: unknown field/],
      ])('rejects the event naming the field when %s', async (_case, overrides, message) => {
        const event = { ...makeEvent(server.instanceId), ...overrides };
        const answer = await postJson<EventsAnswer>(server, EVENTS, { events: [event] });
        expect(answer.status).toBe(200);
        expect(answer.body.accepted).toBe(0);
        expect(answer.body.results[0]).toEqual({
          event_id: event.event_id,
          status: 'rejected',
          error: expect.stringMatching(message),
        });
        expect(server.countEvents()).toBe(0);
      });

      it('rejects with a null event_id when the event is not an object', async () => {
        const answer = await postJson<EventsAnswer>(server, EVENTS, { events: [42] });
        expect(answer.body.results).toEqual([
          { event_id: null, status: 'rejected', error: 'event: must be a JSON object' },
        ]);
      });

      it('rejects an event without instance_id per event instead of answering 403', async () => {
        const { instance_id: _dropped, ...event } = makeEvent(server.instanceId);
        const answer = await postJson<EventsAnswer>(server, EVENTS, { events: [event] });
        expect(answer.status).toBe(200);
        expect(answer.body.results[0]?.error).toMatch(/^instance_id: /);
      });

      it('rejects a duplicate of an event stored by an earlier batch', async () => {
        const event = makeEvent(server.instanceId);
        await postJson(server, EVENTS, { events: [event] });
        const answer = await postJson<EventsAnswer>(server, EVENTS, { events: [event] });
        expect(answer.body).toEqual({
          accepted: 0,
          rejected: 1,
          results: [{ event_id: event.event_id, status: 'rejected', error: 'duplicate event_id' }],
        });
        expect(server.countEvents()).toBe(1);
      });

      it('rejects the second copy of an event_id repeated in the same batch', async () => {
        const event = makeEvent(server.instanceId);
        const answer = await postJson<EventsAnswer>(server, EVENTS, { events: [event, event] });
        expect(answer.body.results.map((r) => r.status)).toEqual(['accepted', 'rejected']);
        expect(answer.body.results[1]?.error).toBe('duplicate event_id');
        expect(server.countEvents()).toBe(1);
      });

      it('answers partial success in request order when valid and invalid events mix', async () => {
        const first = makeEvent(server.instanceId);
        const invalid = makeEvent(server.instanceId, { context_utilization_final: 1.5 });
        const third = makeEvent(server.instanceId);
        const answer = await postJson<EventsAnswer>(server, EVENTS, {
          events: [first, invalid, third, first],
        });
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({
          accepted: 2,
          rejected: 2,
          results: [
            { event_id: first.event_id, status: 'accepted', error: null },
            {
              event_id: invalid.event_id,
              status: 'rejected',
              error: expect.stringMatching(/^context_utilization_final: /),
            },
            { event_id: third.event_id, status: 'accepted', error: null },
            { event_id: first.event_id, status: 'rejected', error: 'duplicate event_id' },
          ],
        });
        expect(server.listEvents()).toEqual([first, third]);
        expect(server.stats).toMatchObject({ eventsAccepted: 2, eventsRejected: 2 });
      });
    });
  });
});
