import { describe, expect, it } from 'vitest';
import type { TaskUsageStore } from '../../src/conversion/task-usage.js';
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
      expect(taskCalls(task).end(store)).toBeUndefined();
      expect(store.get(task)).toBeUndefined();
    });

    it('updates the stored usage in place for a call that ends after the task', () => {
      const store: TaskUsageStore = new WeakMap();
      const task = {};
      const calls = taskCalls(task);
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
      const calls = taskCalls(task);
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
});
