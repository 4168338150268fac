import { describe, expect, it } from 'vitest';
import { Cancellation } from '../../src/transport/cancellation.js';

describe('Cancellation', () => {
  describe('cancel', () => {
    it('runs each registered callback once, not unregistered ones, and late ones at once', () => {
      const cancellation = new Cancellation();
      const calls: string[] = [];
      cancellation.onCancel(() => calls.push('a'));
      const unregister = cancellation.onCancel(() => calls.push('b'));
      unregister();
      expect(cancellation.cancelled).toBe(false);
      cancellation.cancel();
      cancellation.cancel();
      expect(calls).toEqual(['a']);
      cancellation.onCancel(() => calls.push('late'));
      expect(calls).toEqual(['a', 'late']);
      expect(cancellation.cancelled).toBe(true);
    });
  });
});
