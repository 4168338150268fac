import { describe, expect, it } from 'vitest';
import { addSecret, redactSecrets } from '../../src/otel/redact-secrets.js';

describe('redactSecrets', () => {
  describe('messages', () => {
    it('replaces a remembered key in any letter case, and any run of 40+ hex digits', () => {
      const key = 'c0ffee'.repeat(10).slice(0, 64);
      addSecret(` ${key}\n`);
      expect(redactSecrets(`host ${key.toUpperCase()}.example.com`)).toBe(
        'host [REDACTED].example.com',
      );
      expect(redactSecrets(`a ${'9'.repeat(40)} b ${'9'.repeat(39)}`)).toBe(
        `a [REDACTED] b ${'9'.repeat(39)}`,
      );
    });

    it('redacts a remembered key that is not hex, but never a value too short to tell apart', () => {
      addSecret('not-hex-but-a-key');
      addSecret('short');
      expect(redactSecrets('got not-hex-but-a-key and short')).toBe('got [REDACTED] and short');
    });
  });
});
