import { type DevServer, startDevServer } from '@mosaicstack/telemetry-devserver';
import type { MosaicDeliveryError } from '@mosaicstack/telemetry-exporter';
import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processorWithFastRetries } from '../../packages/exporter/test/support/fast-retries.js';
import { captureDiag } from '../support/captured-diag.js';

/** RFC 3339 `date-time` in UTC with milliseconds: four-digit year. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const FIRST_MS = Date.parse('0000-01-01T00:00:00.000Z');
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');
const CORRECTED = 'corrected a bad value of timestamp';

/** Span end times (epoch ms) of every range a Date holds, and a Date that holds none. */
const endTime = fc.oneof(
  fc.integer({ min: -8.64e15, max: 8.64e15 }),
  fc.integer({ min: FIRST_MS - 86_400_000, max: FIRST_MS + 86_400_000 }),
  fc.integer({ min: LAST_MS - 86_400_000, max: LAST_MS + 86_400_000 }),
  fc.integer({ min: 0, max: 4_102_444_800_000 }),
  fc.constantFrom(-1e14, -62_198_755_200_000, 253_402_300_800_000, Number.NaN),
);

describe('createMosaicSpanProcessor', () => {
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer({ rateLimit: false });
  });
  afterAll(async () => {
    await server.close();
  });

  describe('task spans at any time a Date can hold', () => {
    it('puts an RFC 3339 four-digit-year timestamp on the wire, clamps and counts the rest, and the devserver stores every event', async () => {
      const diag = captureDiag();
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(endTime, { minLength: 1, maxLength: 8 }), async (times) => {
            const errors: MosaicDeliveryError[] = [];
            const firstLine = diag.lines.length;
            const processor = processorWithFastRetries(
              {
                enabled: true,
                serverUrl: server.url,
                apiKey: server.apiKey,
                instanceId: server.instanceId,
                submitIntervalMs: 60_000,
                onError: (e) => errors.push(e),
              },
              10,
            );
            const provider = new BasicTracerProvider({ spanProcessors: [processor] });
            const tracer = provider.getTracer('span-times');
            const before = server.countEvents();
            // Start and end at the same instant (the SDK moves an end before the start to it).
            times.forEach((ms, i) => {
              const at = new Date(ms);
              tracer
                .startSpan('task', {
                  startTime: at,
                  attributes: {
                    'mosaic.task.type': 'testing',
                    'mosaic.tokens.estimated_input': i,
                  },
                })
                .end(at);
            });
            await provider.forceFlush();
            await provider.shutdown();

            expect(errors).toEqual([]);
            const stored = server.listEvents().slice(before);
            expect(stored).toHaveLength(times.length);
            for (const event of stored) {
              expect(validateTaskCompletionEvent(event)).toEqual([]);
              expect(event.timestamp).toMatch(RFC3339);
            }
            const outOfRange = times.filter((ms) => !(ms >= FIRST_MS && ms <= LAST_MS));
            for (const event of stored) {
              const ms = times[event.estimated_input_tokens] as number;
              if (ms < FIRST_MS) expect(event.timestamp).toBe('0000-01-01T00:00:00.000Z');
              else if (ms > LAST_MS) expect(event.timestamp).toBe('9999-12-31T23:59:59.999Z');
              else if (!Number.isNaN(ms)) expect(event.timestamp).toBe(new Date(ms).toISOString());
            }
            const counted = diag.lines.slice(firstLine).some((line) => line.includes(CORRECTED));
            expect(counted).toBe(outOfRange.length > 0);
          }),
          { numRuns: 60 },
        );
      } finally {
        diag.stop();
      }
    });
  });
});
