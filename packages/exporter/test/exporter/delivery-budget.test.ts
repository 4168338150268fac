import { describe, expect, it } from 'vitest';
import {
  chunkStartWindowMs,
  deliveryBudgetMs,
  exportTimeoutMs,
} from '../../src/exporter/delivery-budget.js';
import { retryBudgetMs } from '../../src/transport/retry-budget.js';

describe('delivery budget', () => {
  describe('derived bounds', () => {
    it('covers two rounds of requests, and the BSP export timeout covers one delivery', () => {
      const config = { maxRetries: 3, requestTimeoutMs: 10_000 };
      // 4 attempts of 10 s plus backoffs of at most 1, 2 and 4 s.
      const request = retryBudgetMs({ maxRetries: 3, timeoutMs: 10_000 });
      expect(request).toBe(47_000);
      expect(deliveryBudgetMs(config)).toBe(2 * request);
      expect(chunkStartWindowMs(config) + request).toBe(deliveryBudgetMs(config));
      expect(exportTimeoutMs(config)).toBeGreaterThan(deliveryBudgetMs(config));
    });
  });
});
