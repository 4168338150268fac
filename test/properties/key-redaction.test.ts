import { createHash } from 'node:crypto';
import { type MosaicDeliveryError, MosaicPredictions } from '@mosaicstack/telemetry-exporter';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { processorWithFastRetries } from '../../packages/exporter/test/support/fast-retries.js';
import { captureDiag } from '../support/captured-diag.js';
import { EXPORTER_ENV_NAMES } from '../support/exporter-env.js';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';

const INSTANCE_ID = '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b';
/** Every other variable the exporter reads: the key may be pasted into any of them. */
const ENV_NAMES = EXPORTER_ENV_NAMES.filter((name) => name !== 'MOSAIC_TELEMETRY_API_KEY');

/** A 64-hex key from a generated seed (fast-check's plain strings are biased toward 000...). */
const key = fc.integer().map((seed) => createHash('sha256').update(`key:${seed}`).digest('hex'));

/** Ways a key ends up in a variable: alone, shouted, padded, inside a URL or as its host name. */
const placements: Array<(key: string, port: number) => string> = [
  (k) => k,
  (k) => k.toUpperCase(),
  (k) => ` ${k}\n`,
  (k) => `Bearer ${k}`,
  (k) => `${k}x`,
  (k, port) => `http://127.0.0.1:${port}/${k}`,
  (k) => `https://${k}.example.com`,
  (k) => `https://${k.toUpperCase()}/v1`,
];

/** Every 24-character window of `key` found in `lines`, any letter case. */
function leaks(key: string, lines: readonly string[]): string[] {
  const found: string[] = [];
  for (const line of lines) {
    const lower = line.toLowerCase();
    for (let i = 0; i + 24 <= key.length; i += 8) {
      if (lower.includes(key.slice(i, i + 24))) found.push(line.slice(0, 300));
    }
  }
  return found;
}

describe('key redaction', () => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await startRecordingServer();
    // A server (or proxy) that repeats the request's Authorization header in its error bodies.
    server.respondWith((req) => ({
      status: req.url.includes('predictions') ? 503 : 400,
      body: `bad request; you sent authorization: ${String(req.headers.authorization)}`,
    }));
  });
  afterAll(async () => {
    await server.close();
  });

  describe('every env variable and a server echoing headers', () => {
    it('keeps the configured key out of every diag line and onError message', async () => {
      const diag = captureDiag();
      const all: string[] = [];
      try {
        await fc.assert(
          fc.asyncProperty(
            key,
            fc.constantFrom(...ENV_NAMES),
            fc.nat(placements.length - 1),
            async (apiKey, name, placement) => {
              const port = Number(new URL(server.url).port);
              const pasted = (placements[placement] as (k: string, p: number) => string)(
                apiKey,
                port,
              );
              vi.stubEnv('MOSAIC_TELEMETRY_API_KEY', apiKey);
              vi.stubEnv(name, pasted);
              const errors: MosaicDeliveryError[] = [];
              try {
                const urlFromEnv = name === 'MOSAIC_TELEMETRY_SERVER_URL';
                const config = {
                  enabled: true,
                  instanceId: name === 'MOSAIC_TELEMETRY_INSTANCE_ID' ? undefined : INSTANCE_ID,
                  // A key as host name would send a DNS query: log the request instead.
                  ...(urlFromEnv ? { dryRun: true } : { serverUrl: server.url }),
                  maxRetries: 1,
                  onError: (e: MosaicDeliveryError) => errors.push(e),
                };
                const processor = processorWithFastRetries(config, 1);
                const provider = new BasicTracerProvider({ spanProcessors: [processor] });
                const tracer = provider.getTracer('t');
                tracer.startSpan('task', { attributes: { 'mosaic.task.type': 'testing' } }).end();
                await provider.forceFlush();
                await provider.shutdown();
                const predictions = new MosaicPredictions(config, { retryBaseDelayMs: 1 });
                await predictions.refresh([
                  {
                    task_type: 'testing',
                    model: 'm',
                    provider: 'openai',
                    complexity: 'low',
                  },
                ]);
                await predictions.shutdown();
                const messages = [
                  ...diag.lines.splice(0),
                  ...errors.flatMap((e) => [e.message, String(e), e.stack ?? '']),
                ];
                expect(leaks(apiKey, messages)).toEqual([]);
                all.push(...messages);
              } finally {
                vi.unstubAllEnvs();
              }
            },
          ),
          { numRuns: 60 },
        );
      } finally {
        diag.stop();
      }
      // The runs did produce the messages that used to carry the key.
      expect(all.some((m) => m.includes('server answered 400: bad request'))).toBe(true);
      expect(all.some((m) => m.includes('server answered 503: bad request'))).toBe(true);
      expect(all.some((m) => m.includes('[REDACTED]'))).toBe(true);
      expect(all.some((m) => /MOSAIC_TELEMETRY_HARNESS|harness: expected/.test(m))).toBe(true);
    });
  });
});
