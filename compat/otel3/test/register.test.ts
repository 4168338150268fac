import {
  type MosaicRegistration,
  registerMosaicTelemetry,
  withTask,
} from '@mosaicstack/telemetry-exporter';
import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { context, trace } from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordingServer,
  startRecordingServer,
  testConfig,
} from './support/recording-server.js';

describe('registerMosaicTelemetry on the OTel SDK 3.x', () => {
  let server: RecordingServer;
  let registration: MosaicRegistration | undefined;
  beforeEach(async () => {
    server = await startRecordingServer();
  });
  afterEach(async () => {
    await registration?.shutdown();
    registration = undefined;
    trace.disable();
    context.disable();
    await server.close();
  });

  describe('when the app registered a 3.x TracerProvider first', () => {
    it('attaches to it and delivers the app tracer task spans', async () => {
      const provider = new TracerProvider();
      trace.setGlobalTracerProvider(provider);
      registration = registerMosaicTelemetry(testConfig(server.url));
      expect(registration.wiring).toBe('app-provider');

      trace.getTracer('app').startSpan('GET /').end();
      trace
        .getTracer('app')
        .startSpan('task', { attributes: { 'mosaic.task.type': 'code_review' } })
        .end();
      await registration.forceFlush();
      expect(server.events().map((e) => e.task_type)).toEqual(['code_review']);
      expect(validateTaskCompletionEvent(server.events()[0])).toEqual([]);
    });
  });

  describe('when no provider is registered', () => {
    it('serves withTask through a 3.x TracerProvider of its own, then moves to the app one', async () => {
      registration = registerMosaicTelemetry(testConfig(server.url));
      expect(registration.wiring).toBe('fallback-provider');
      await withTask({ 'mosaic.task.type': 'testing' }, async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
      });

      trace.setGlobalTracerProvider(new TracerProvider());
      expect(registration.wiring).toBe('app-provider');
      trace
        .getTracer('app')
        .startSpan('task', { attributes: { 'mosaic.task.type': 'documentation' } })
        .end();
      await registration.forceFlush();
      expect(server.events().map((e) => [e.task_type, e.outcome])).toEqual([
        ['testing', 'success'],
        ['documentation', 'success'],
      ]);
    });
  });
});
