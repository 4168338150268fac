import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FoldableCall,
  foldModelCalls,
  foldModelRequests,
} from '../../src/usage/fold-model-calls.js';
import { quadraticFold } from './quadratic-fold.js';

const TRACE = 'a'.repeat(32);
let ids = 0;

/** A call of `input`/`output` tokens from `layer`, running from `start` to `end` ms. */
function call(
  input: number | undefined,
  output: number | undefined,
  layer: string | undefined,
  start: number,
  end: number,
  extra: Partial<FoldableCall> = {},
): FoldableCall {
  ids++;
  return {
    traceId: TRACE,
    spanId: ids.toString(16).padStart(16, '0'),
    ancestorIds: [],
    layer,
    startTimeMs: start,
    endTimeMs: end,
    inputTokens: input,
    outputTokens: output,
    model: 'gpt-4o-mini',
    provider: 'openai',
    ...extra,
  };
}

describe('foldModelCalls', () => {
  describe('innermost calls', () => {
    it('sums calls and counts them', () => {
      expect(foldModelCalls([call(100, 10, 'a', 0, 5), call(200, 20, 'a', 6, 9)])).toEqual({
        inputTokens: 300,
        outputTokens: 30,
        model: 'gpt-4o-mini',
        provider: 'openai',
        calls: 2,
      });
    });

    it('skips a call that has a counting call beneath it, at any depth', () => {
      const outer = call(50, 5, 'framework', 0, 10);
      const inner = call(50, 5, 'sdk', 1, 9, { ancestorIds: ['0000000000000099', outer.spanId] });
      expect(foldModelCalls([inner, outer])).toMatchObject({ inputTokens: 50, calls: 1 });
      // In whichever order they ended.
      expect(foldModelCalls([outer, inner])).toMatchObject({ inputTokens: 50, calls: 1 });
    });

    it('counts an outer call whose inner call carried no tokens', () => {
      const outer = call(50, 5, 'framework', 0, 10);
      const inner = call(undefined, undefined, 'sdk', 1, 9, { ancestorIds: [outer.spanId] });
      expect(foldModelCalls([inner, outer])).toMatchObject({ inputTokens: 50, calls: 1 });
    });

    it('takes model and provider from calls without tokens when no counted call names them', () => {
      const silent = call(undefined, undefined, 'sdk', 0, 1, {
        model: 'claude-sonnet-4-5',
        provider: 'anthropic',
      });
      expect(foldModelCalls([silent])).toEqual({
        inputTokens: 0,
        outputTokens: 0,
        model: 'claude-sonnet-4-5',
        provider: 'anthropic',
        calls: 0,
      });
    });
  });

  describe('one call seen by two layers', () => {
    it('counts siblings of two layers with equal usage that overlap once', () => {
      const framework = call(2665, 305, 'langchain', 0, 100, { model: 'gpt-4o-mini' });
      const sdk = call(2665, 305, 'openai', 5, 95, { model: 'gpt-4o-mini-2024-07-18' });
      expect(foldModelCalls([sdk, framework])).toEqual({
        inputTokens: 2665,
        outputTokens: 305,
        model: 'gpt-4o-mini',
        provider: 'openai',
        calls: 1,
      });
    });

    it('counts two concurrent calls of one layer with equal usage twice', () => {
      expect(
        foldModelCalls([call(100, 10, 'openai', 0, 50), call(100, 10, 'openai', 1, 49)]),
      ).toMatchObject({ inputTokens: 200, outputTokens: 20, calls: 2 });
    });

    it('pairs two concurrent double-instrumented calls one to one', () => {
      const calls = [
        call(100, 10, 'langchain', 0, 60),
        call(100, 10, 'langchain', 1, 61),
        call(100, 10, 'openai', 2, 58),
        call(100, 10, 'openai', 3, 59),
      ];
      expect(foldModelCalls(calls)).toMatchObject({ inputTokens: 200, calls: 2 });
    });

    it('keeps both when they do not overlap in time', () => {
      expect(
        foldModelCalls([call(100, 10, 'langchain', 0, 10), call(100, 10, 'openai', 11, 20)]),
      ).toMatchObject({ inputTokens: 200, calls: 2 });
    });

    it('keeps both when their usage, trace, model or provider differ, or a layer is unknown', () => {
      const pairs: [FoldableCall, FoldableCall][] = [
        [call(100, 10, 'a', 0, 10), call(100, 11, 'b', 0, 10)],
        [call(100, 10, 'a', 0, 10), call(100, 10, 'b', 0, 10, { traceId: 'b'.repeat(32) })],
        [call(100, 10, 'a', 0, 10), call(100, 10, 'b', 0, 10, { model: 'gpt-4.1' })],
        [call(100, 10, 'a', 0, 10), call(100, 10, 'b', 0, 10, { provider: 'anthropic' })],
        [call(100, 10, undefined, 0, 10), call(100, 10, 'b', 0, 10)],
      ];
      for (const pair of pairs) expect(foldModelCalls(pair)).toMatchObject({ calls: 2 });
    });
  });

  describe('properties', () => {
    const arbCall = fc.record({
      input: fc.integer({ min: 0, max: 3 }),
      output: fc.integer({ min: 0, max: 3 }),
      layer: fc.constantFrom('a', 'b', 'c'),
      start: fc.integer({ min: 0, max: 20 }),
      length: fc.integer({ min: 0, max: 20 }),
    });

    it('never counts fewer calls than the busiest layer made, nor more than all', () => {
      fc.assert(
        fc.property(fc.array(arbCall, { maxLength: 12 }), (specs) => {
          const calls = specs.map((s) =>
            call(s.input, s.output, s.layer, s.start, s.start + s.length),
          );
          const usage = foldModelCalls(calls);
          const perLayer = new Map<string, number>();
          for (const s of specs) perLayer.set(s.layer, (perLayer.get(s.layer) ?? 0) + 1);
          const busiest = Math.max(0, ...perLayer.values());
          expect(usage.calls).toBeGreaterThanOrEqual(busiest);
          expect(usage.calls).toBeLessThanOrEqual(calls.length);
          // Every layer's own calls sum to no more than what was counted.
          for (const layer of perLayer.keys()) {
            const own = specs.filter((s) => s.layer === layer).reduce((n, s) => n + s.input, 0);
            expect(usage.inputTokens).toBeGreaterThanOrEqual(own);
          }
        }),
      );
    });

    it('folds the same calls to the same usage in any order', () => {
      fc.assert(
        fc.property(fc.array(arbCall, { maxLength: 10 }), fc.integer(), (specs, seed) => {
          const calls = specs.map((s) =>
            call(s.input, s.output, s.layer, s.start, s.start + s.length),
          );
          const shuffled = [...calls].sort(
            (x, y) =>
              ((x.spanId.charCodeAt(15) * seed) % 7) - ((y.spanId.charCodeAt(15) * seed) % 7),
          );
          const a = foldModelCalls(calls);
          const b = foldModelCalls(shuffled);
          expect(b.calls).toBe(a.calls);
          expect(b.inputTokens).toBe(a.inputTokens);
          expect(b.outputTokens).toBe(a.outputTokens);
        }),
      );
    });

    it('folds exactly as the quadratic pairing did, on small inputs', () => {
      const arbFull = fc.record({
        input: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
        output: fc.integer({ min: 0, max: 2 }),
        layer: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
        start: fc.integer({ min: 0, max: 12 }),
        length: fc.integer({ min: 0, max: 12 }),
        trace: fc.constantFrom(TRACE, 'b'.repeat(32)),
        model: fc.constantFrom('gpt-4o', 'gpt-4o-2024-08-06', 'claude-3', undefined),
        provider: fc.constantFrom('openai', 'anthropic', undefined),
      });
      fc.assert(
        fc.property(fc.array(arbFull, { maxLength: 24 }), (specs) => {
          const calls = specs.map((s) =>
            call(s.input, s.output, s.layer, s.start, s.start + s.length, {
              traceId: s.trace,
              model: s.model,
              provider: s.provider as FoldableCall['provider'],
            }),
          );
          expect(foldModelCalls(calls)).toEqual(quadraticFold(calls));
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe('many calls of equal counts in one trace', () => {
    it('counts every call of one layer', () => {
      const calls = Array.from({ length: 20_000 }, (_, i) => call(7, 3, 'sdk', i, i + 2));
      expect(foldModelCalls(calls)).toMatchObject({
        inputTokens: 140_000,
        outputTokens: 60_000,
        calls: 20_000,
      });
    });

    it('pairs each call of one layer with its twin of the other, one to one', () => {
      const calls: FoldableCall[] = [];
      for (let i = 0; i < 10_000; i++) {
        calls.push(call(7, 3, 'framework', i * 10, i * 10 + 5));
        calls.push(call(7, 3, 'sdk', i * 10 + 1, i * 10 + 4));
      }
      expect(foldModelCalls(calls)).toMatchObject({ inputTokens: 70_000, calls: 10_000 });
    });

    it('agrees with the quadratic pairing on a few hundred overlapping calls of three layers', () => {
      const calls = Array.from({ length: 300 }, (_, i) =>
        call(7, 3, ['a', 'b', 'c'][i % 3], (i * 7) % 50, ((i * 7) % 50) + (i % 11)),
      );
      expect(foldModelCalls(calls)).toEqual(quadraticFold(calls));
    });
  });
});

describe('foldModelRequests', () => {
  it('lists each counted call once with its breakdown, model, provider and start time', () => {
    const outer = call(5000, 900, 'framework', 0, 10);
    const inner = call(5000, 900, 'sdk', 1, 9, {
      ancestorIds: [outer.spanId],
      cacheReadTokens: 3000,
      cacheWriteTokens: 500,
      reasoningTokens: 600,
    });
    const other = call(100, 10, 'sdk', 20, 30, { model: 'gpt-4o', provider: 'openai' });
    expect(foldModelRequests([outer, inner, other])).toEqual([
      {
        uncachedInputTokens: 1500,
        cacheReadTokens: 3000,
        cacheWriteTokens: 500,
        outputTokens: 900,
        reasoningTokens: 600,
        model: 'gpt-4o-mini',
        provider: 'openai',
        atMs: 1,
      },
      {
        uncachedInputTokens: 100,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 10,
        reasoningTokens: 0,
        model: 'gpt-4o',
        provider: 'openai',
        atMs: 20,
      },
    ]);
  });

  it('takes the breakdown of a call seen by two layers from the layer that reports it', () => {
    const framework = call(2000, 50, 'framework', 0, 10, { model: 'gpt-5' });
    const sdk = call(2000, 50, 'sdk', 1, 9, {
      model: 'gpt-5-2025-08-07',
      cacheReadTokens: 1500,
      reasoningTokens: 20,
    });
    const requests = foldModelRequests([framework, sdk]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      uncachedInputTokens: 500,
      cacheReadTokens: 1500,
      reasoningTokens: 20,
      model: 'gpt-5',
    });
  });

  it('keeps each part within its total, whatever the span said', () => {
    const [request] = foldModelRequests([
      call(100, 10, 'sdk', 0, 1, {
        cacheReadTokens: 80,
        cacheWriteTokens: 50,
        reasoningTokens: 30,
      }),
    ]);
    expect(request).toMatchObject({
      uncachedInputTokens: 0,
      cacheReadTokens: 80,
      cacheWriteTokens: 20,
      outputTokens: 10,
      reasoningTokens: 10,
    });
  });
});
