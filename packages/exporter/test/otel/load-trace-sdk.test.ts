import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { loadTraceSdk } from '../../src/otel/load-trace-sdk.js';
import { requireOptional } from '../../src/otel/require-optional.js';

describe('loadTraceSdk', () => {
  describe('the 2.x line installed here', () => {
    it('finds sdk-trace-base with its BatchSpanProcessor and BasicTracerProvider', () => {
      const sdk = loadTraceSdk();
      expect(sdk.major).toBe(2);
      // Loaded with require(): the CommonJS build, of the same names.
      expect(sdk.BatchSpanProcessor.name).toBe(BatchSpanProcessor.name);
      expect(sdk.TracerProvider.name).toBe(BasicTracerProvider.name);
    });
  });
});

describe('requireOptional', () => {
  describe('packages', () => {
    it('is undefined for a package installed nowhere, or one the check refuses', () => {
      expect(requireOptional('@mosaicstack/not-installed-anywhere', () => true)).toBeUndefined();
      expect(requireOptional('@opentelemetry/api', () => false)).toBeUndefined();
      expect(
        requireOptional<{ trace?: unknown }>('@opentelemetry/api', (m) => !!m.trace),
      ).toBeDefined();
    });
  });
});
