import { describe, expect, it } from 'vitest';
import { readBatchResponse } from '../../src/exporter/read-batch-response.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`);
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
      expect(readBatchResponse(allAccepted(100), 100)).toEqual({
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
        expect(readBatchResponse(body, 3)).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
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
      expect(readBatchResponse(body, 3)).toEqual({
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
      for (const [body, sent] of cases) expect(readBatchResponse(body, sent)).toBeUndefined();
    });

    it('takes the counts alone only when they say that every event sent was accepted', () => {
      expect(readBatchResponse('{"accepted":5,"rejected":0,"results":[]}', 3)).toBeUndefined();
      expect(readBatchResponse('{"accepted":3,"rejected":1,"results":[]}', 3)).toBeUndefined();
      expect(readBatchResponse('{"accepted":3,"rejected":0,"results":[]}', 3)).toEqual({
        accepted: 3,
        duplicates: 0,
        rejected: [],
      });
    });
  });
});
