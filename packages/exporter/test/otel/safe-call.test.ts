import { DiagLogLevel } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { captureDiag } from '../../../../test/support/captured-diag.js';
import { asError, safeCall } from '../../src/otel/safe-call.js';

describe('asError', () => {
  describe('thrown values', () => {
    it('keeps an Error and wraps anything else, even a value whose toString throws', () => {
      const error = new Error('x');
      expect(asError(error)).toBe(error);
      expect(asError('boom').message).toBe('boom');
      expect(asError({ toString: 1 }).message).toBe('a thrown object');
      expect(asError(Symbol('s')).message).toBe('Symbol(s)');
    });
  });
});

describe('safeCall', () => {
  describe('host callbacks', () => {
    it('logs a throw instead of passing it on', () => {
      const diag = captureDiag(DiagLogLevel.ERROR);
      try {
        expect(() =>
          safeCall(() => {
            throw new Error('from the host');
          }),
        ).not.toThrow();
        expect(diag.lines.join('\n')).toMatch(/a callback threw: from the host/);
      } finally {
        diag.stop();
      }
    });
  });
});
