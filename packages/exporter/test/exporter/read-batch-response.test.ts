import { describe, expect, it } from 'vitest';
import { readBatchResponse } from '../../src/exporter/read-batch-response.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`);
/** The events a request sent, by id: `id-0`, `id-1`, ... or the ids given. */
const sent = (n: number | string[]) =>
  (typeof n === 'number' ? ids(n) : n).map((event_id) => ({ event_id }));
const answer = (results: Array<{ event_id: string; status: string; error?: string | null }>) =>
  JSON.stringify({
    accepted: results.filter((r) => r.status === 'accepted').length,
    rejected: results.filter((r) => r.status !== 'accepted').length,
    results,
  });
const allAccepted = (n: number) =>
  answer(ids(n).map((event_id) => ({ event_id, status: 'accepted', error: null })));

describe('readBatchResponse', () => {
  describe('accepted', () => {
    it('reads a compact answer accepting every event', () => {
      expect(readBatchResponse(allAccepted(100), sent(100))).toEqual({
        accepted: 100,
        duplicates: 0,
        rejected: [],
      });
    });

    it('reads the same answer spaced out or with its keys in another order', () => {
      const spaced = JSON.stringify(JSON.parse(allAccepted(3)), null, 2);
      const reordered = JSON.stringify({
        results: JSON.parse(allAccepted(3)).results,
        rejected: 0,
        accepted: 3,
      });
      for (const body of [spaced, reordered, `${allAccepted(3)}\n`]) {
        expect(readBatchResponse(body, sent(3))).toEqual({
          accepted: 3,
          duplicates: 0,
          rejected: [],
        });
      }
    });
  });

  describe('partial success', () => {
    it('counts duplicates as delivered and reports the other rejections', () => {
      const body = answer([
        { event_id: 'a', status: 'accepted', error: null },
        { event_id: 'b', status: 'rejected', error: 'duplicate event_id' },
        { event_id: 'c', status: 'rejected', error: 'task_type: invalid' },
      ]);
      expect(readBatchResponse(body, sent(['a', 'b', 'c']))).toEqual({
        accepted: 1,
        duplicates: 1,
        rejected: [{ eventId: 'c', error: 'task_type: invalid' }],
      });
    });
  });

  describe('unreadable', () => {
    it('returns undefined for a body that is not a v1 answer about the events sent', () => {
      const cases: Array<[string, number]> = [
        ['{"accepted":', 1],
        ['not json', 1],
        ['null', 1],
        [allAccepted(99), 100],
        [`${allAccepted(3)}x`, 3],
        [answer([{ event_id: 'a', status: 'maybe' }]), 1],
        ['{"accepted":1,"rejected":0,"results":[null]}x', 1],
        ['{"accepted":0,"rejected":1,"results":[null]}', 1],
      ];
      for (const [body, n] of cases) expect(readBatchResponse(body, sent(n))).toBeUndefined();
    });

    it('never takes the counts alone: an answer without one result per event is unreadable', () => {
      // Before: '{"accepted":3,"rejected":0,"results":[]}' about 3 events was read as all accepted.
      expect(
        readBatchResponse('{"accepted":5,"rejected":0,"results":[]}', sent(3)),
      ).toBeUndefined();
      expect(
        readBatchResponse('{"accepted":3,"rejected":1,"results":[]}', sent(3)),
      ).toBeUndefined();
      expect(
        readBatchResponse('{"accepted":3,"rejected":0,"results":[]}', sent(3)),
      ).toBeUndefined();
    });

    it('does not trust an "all accepted" head whose results are not JSON', () => {
      const body = `{"accepted":1,"rejected":0,"results":[NOT JSON {"event_id":"id-0"}]}`;
      expect(readBatchResponse(body, sent(1))).toBeUndefined();
    });

    it('takes the compact answer only when its results name the events sent, in order', () => {
      const uuid = (i: number) => `0190a6f2-0000-8000-8000-${String(i).padStart(12, '0')}`;
      const events = sent([uuid(1), uuid(2)]);
      const compact = (a: string, b: string) =>
        `{"accepted":2,"rejected":0,"results":[{"event_id":"${a}","status":"accepted","error":null},{"event_id":"${b}","status":"accepted"}]}`;
      expect(readBatchResponse(compact(uuid(1), uuid(2)), events)).toEqual({
        accepted: 2,
        duplicates: 0,
        rejected: [],
      });
      expect(readBatchResponse(compact(uuid(1), uuid(3)), events)).toBeUndefined();
      expect(readBatchResponse(compact(uuid(1), uuid(1)), events)).toBeUndefined();
      expect(readBatchResponse(`${compact(uuid(1), uuid(2))}]}`, events)).toBeUndefined();
    });

    it('never throws on ill-typed results (an event_id object with a bad toString)', () => {
      const bodies = [
        '{"accepted":0,"rejected":1,"results":[{"event_id":{"toString":1},"status":"rejected","error":"x"}]}',
        '{"accepted":1,"rejected":0,"results":[{"event_id":{"toString":1},"status":"accepted"}]}',
        '{"accepted":0,"rejected":1,"results":[{"event_id":"id-0","status":"rejected","error":{"a":1}}]}',
        '{"accepted":"1","rejected":0,"results":[{"event_id":"id-0","status":"accepted"}]}',
        '{"accepted":1.5,"rejected":0,"results":[{"event_id":"id-0","status":"accepted"}]}',
        '{"accepted":1,"rejected":0,"results":{"length":1}}',
        '{"__proto__":{"results":[]},"accepted":1,"rejected":0}',
      ];
      for (const body of bodies) expect(readBatchResponse(body, sent(1))).toBeUndefined();
    });
  });
});
