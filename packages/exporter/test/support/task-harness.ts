import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { BasicTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { createMosaicSpanProcessor } from '../../src/processor/create-mosaic-span-processor.js';
import type { MosaicSpanProcessor } from '../../src/processor/mosaic-span-processor.js';
import type { MosaicTelemetryConfig } from '../../src/types.js';

export const INSTANCE_ID = '3f1c2a4e-8b7d-4c6a-9e2f-1a2b3c4d5e6f';

/** A real provider whose only exporter path is the Mosaic processor, delivering to a loopback server. */
export interface TaskHarness {
  readonly server: RecordingServer;
  readonly processor: MosaicSpanProcessor;
  readonly provider: BasicTracerProvider;
  /** Flushes the processor and returns every event the server received so far. */
  flushEvents(): Promise<TaskCompletionEvent[]>;
  close(): Promise<void>;
}

/** Starts a recording server and a provider with `createMosaicSpanProcessor` (plus `extra` processors). */
export async function startTaskHarness(
  config: MosaicTelemetryConfig = {},
  extra: SpanProcessor[] = [],
): Promise<TaskHarness> {
  const server = await startRecordingServer();
  const processor = createMosaicSpanProcessor({
    enabled: true,
    serverUrl: server.url,
    apiKey: 'a'.repeat(64),
    instanceId: INSTANCE_ID,
    submitIntervalMs: 60_000,
    ...config,
  }) as MosaicSpanProcessor;
  const provider = new BasicTracerProvider({
    spanProcessors: [processor as unknown as SpanProcessor, ...extra],
  });
  return {
    server,
    processor,
    provider,
    async flushEvents() {
      await provider.forceFlush();
      return server.requests.flatMap(
        (r) => (JSON.parse(r.body) as { events: TaskCompletionEvent[] }).events,
      );
    },
    async close() {
      await provider.shutdown();
      await server.close();
    },
  };
}
