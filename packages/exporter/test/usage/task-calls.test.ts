import { describe, expect, it } from 'vitest';
import type { TaskUsageStore } from '../../src/conversion/task-usage.js';
import { ChunkPool } from '../../src/usage/chunk-pool.js';
import type { FoldableCall } from '../../src/usage/fold-model-calls.js';
import { taskCalls } from '../../src/usage/task-calls.js';

const call = (i: number, extra: Partial<FoldableCall> = {}): FoldableCall => ({
  traceId: 'a'.repeat(32),
  spanId: i.toString(16).padStart(16, '0'),
  ancestorIds: [],
  layer: 'sdk',
  startTimeMs: i,
  endTimeMs: i + 1,
  inputTokens: 10,
  outputTokens: 1,
  model: 'gpt-4o',
  provider: 'openai',
  ...extra,
});

describe('taskCalls', () => {
  describe('end', () => {
    it('stores nothing for a task without calls', () => {
      const store: TaskUsageStore = new WeakMap();
      const task = {};
      expect(taskCalls(task, new ChunkPool()).end(store)).toBeUndefined();
      expect(store.get(task)).toBeUndefined();
    });

    it('updates the stored usage in place for a call that ends after the task', () => {
      const store: TaskUsageStore = new WeakMap();
      const task = {};
      const calls = taskCalls(task, new ChunkPool());
      calls.add(call(1));
      const stored = calls.end(store);
      calls.add(call(2));
      expect(store.get(task)).toBe(stored);
      expect(stored).toMatchObject({ inputTokens: 20, outputTokens: 2, calls: 2 });
    });
  });

  describe('add', () => {
    it('folds the oldest half for good past 4096 calls, keeping every token and the innermost rule', () => {
      const store: TaskUsageStore = new WeakMap();
      const task = {};
      const calls = taskCalls(task, new ChunkPool());
      // An outer call (no tokens of its own to add) around the very first call: it ends last.
      const outerId = 'f'.repeat(16);
      calls.add(call(0, { ancestorIds: [outerId] }));
      for (let i = 1; i < 10_000; i++) calls.add(call(i));
      calls.add(call(20_000, { spanId: outerId, inputTokens: 10, outputTokens: 1 }));
      expect(calls.size).toBe(10_001);
      expect(calls.end(store)).toEqual({
        inputTokens: 100_000,
        outputTokens: 10_000,
        model: 'gpt-4o',
        provider: 'openai',
        calls: 10_000,
      });
    });
  });

  describe('callAt', () => {
    it('gives back a call by its number until it is excluded or folded for good', () => {
      const calls = taskCalls({}, new ChunkPool());
      calls.add(call(0));
      calls.add(call(1, { layer: 'framework', cacheReadTokens: 3, model: 'gpt-4.1' }));
      expect(calls.callAt(1)).toEqual({
        ...call(1, { layer: 'framework', model: 'gpt-4.1' }),
        cacheReadTokens: 3,
        cacheWriteTokens: undefined,
        reasoningTokens: undefined,
      });
      expect(calls.callAt(0)?.spanId).toBe(call(0).spanId);
      expect(calls.callAt(2)).toBeUndefined();
      expect(calls.exclude(0)).toBe(true);
      expect(calls.callAt(0)).toBeUndefined();
      expect(calls.exclude(2)).toBe(false);
      // Past 4096 calls the older half is folded for good: numbers still name the same calls.
      for (let i = 2; i < 4096; i++) calls.add(call(i));
      expect(calls.callAt(100)).toBeUndefined();
      expect(calls.exclude(100)).toBe(false);
      expect(calls.callAt(4095)?.spanId).toBe(call(4095).spanId);
    });
  });

  describe('requests', () => {
    it('lists the counted calls of the stored usage with their breakdown, at conversion', () => {
      const store: TaskUsageStore = new WeakMap();
      const task = {};
      const calls = taskCalls(task, new ChunkPool());
      calls.add(call(1, { cacheReadTokens: 6, reasoningTokens: 1 }));
      calls.add(call(2, { inputTokens: undefined, outputTokens: undefined }));
      calls.add(call(3, { cacheWriteTokens: 4, model: 'gpt-4.1', provider: 'openai' }));
      calls.end(store);
      expect(store.get(task)?.requests?.()).toEqual([
        {
          uncachedInputTokens: 4,
          cacheReadTokens: 6,
          cacheWriteTokens: 0,
          outputTokens: 1,
          reasoningTokens: 1,
          model: 'gpt-4o',
          provider: 'openai',
          atMs: 1,
        },
        {
          uncachedInputTokens: 6,
          cacheReadTokens: 0,
          cacheWriteTokens: 4,
          outputTokens: 1,
          reasoningTokens: 0,
          model: 'gpt-4.1',
          provider: 'openai',
          atMs: 3,
        },
      ]);
    });

    it('lists calls that end after the task and leaves out a call another task counts', () => {
      const store: TaskUsageStore = new WeakMap();
      const task = {};
      const calls = taskCalls(task, new ChunkPool());
      calls.add(call(1));
      calls.add(call(2));
      calls.end(store);
      calls.add(call(3));
      calls.exclude(1);
      expect(
        store
          .get(task)
          ?.requests?.()
          .map((r) => r.atMs),
      ).toEqual([1, 3]);
    });

    it('lists the requests of two layers through the fold, once per call', () => {
      const store: TaskUsageStore = new WeakMap();
      const task = {};
      const calls = taskCalls(task, new ChunkPool());
      calls.add(call(1, { layer: 'sdk', cacheReadTokens: 4 }));
      calls.add(call(2, { layer: 'framework', startTimeMs: 1, endTimeMs: 2 }));
      calls.end(store);
      expect(store.get(task)).toMatchObject({ calls: 1, inputTokens: 10 });
      expect(store.get(task)?.requests?.()).toEqual([
        expect.objectContaining({ uncachedInputTokens: 6, cacheReadTokens: 4 }),
      ]);
    });

    it('keeps the requests of calls folded for good, merged per model past 4096 of them', () => {
      const store: TaskUsageStore = new WeakMap();
      const task = {};
      const calls = taskCalls(task, new ChunkPool());
      for (let i = 0; i < 10_000; i++) {
        calls.add(call(i, { model: i % 2 === 0 ? 'gpt-4o' : 'gpt-4.1', cacheReadTokens: 2 }));
      }
      calls.end(store);
      const requests = store.get(task)?.requests?.() ?? [];
      const sum = (key: 'uncachedInputTokens' | 'cacheReadTokens' | 'outputTokens') =>
        requests.reduce((n, r) => n + r[key], 0);
      expect(sum('uncachedInputTokens')).toBe(80_000);
      expect(sum('cacheReadTokens')).toBe(20_000);
      expect(sum('outputTokens')).toBe(10_000);
      expect(requests.length).toBeLessThan(10_000);
      expect(new Set(requests.map((r) => r.model))).toEqual(new Set(['gpt-4o', 'gpt-4.1']));
    });
  });
});
