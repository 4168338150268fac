import { describe, expect, it } from 'vitest';
import { flushOnExit } from '../../src/registration/flush-on-exit.js';

/** A flush target that records its flushes. */
function target(unflushed: boolean) {
  const state = { flushes: 0, hasUnflushedSpans: unflushed };
  return {
    state,
    get hasUnflushedSpans() {
      return state.hasUnflushedSpans;
    },
    async forceFlush() {
      state.flushes++;
      state.hasUnflushedSpans = false;
    },
  };
}

describe('flushOnExit', () => {
  describe('beforeExit', () => {
    it('flushes when a span ended since the last flush, and not again', async () => {
      const t = target(true);
      const remove = flushOnExit(t);
      try {
        process.emit('beforeExit', 0);
        await new Promise((r) => setImmediate(r));
        process.emit('beforeExit', 0);
        await new Promise((r) => setImmediate(r));
        expect(t.state.flushes).toBe(1);
      } finally {
        remove();
      }
    });
  });

  describe('a signal', () => {
    it('flushes and leaves the exit to the app when the app listens for the signal too', async () => {
      const t = target(true);
      let appSaw = 0;
      const app = () => {
        appSaw++;
      };
      process.on('SIGTERM', app);
      const remove = flushOnExit(t);
      try {
        process.emit('SIGTERM', 'SIGTERM');
        await new Promise((r) => setTimeout(r, 10));
        expect(t.state.flushes).toBe(1);
        expect(appSaw).toBe(1);
      } finally {
        remove();
        process.removeListener('SIGTERM', app);
      }
    });
  });

  describe('the returned function', () => {
    it('removes every hook', () => {
      const before = ['SIGTERM', 'SIGINT', 'beforeExit'].map((e) => process.listenerCount(e));
      const remove = flushOnExit(target(false));
      remove();
      expect(['SIGTERM', 'SIGINT', 'beforeExit'].map((e) => process.listenerCount(e))).toEqual(
        before,
      );
    });
  });
});
