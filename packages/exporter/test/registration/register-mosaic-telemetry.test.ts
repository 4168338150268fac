import { context, DiagLogLevel, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureDiag } from '../../../../test/support/captured-diag.js';
import { testConfig } from '../../../../test/support/finished-spans.js';
import {
  type RecordingServer,
  startRecordingServer,
} from '../../../../test/support/recording-server.js';
import { API_GLOBAL_KEY } from '../../src/registration/api-global-registry.js';
import {
  type MosaicRegistration,
  registerMosaicTelemetry,
} from '../../src/registration/register-mosaic-telemetry.js';
import { withTask } from '../../src/task/with-task.js';

// In-process counterparts of the child-process tests in register.test.ts and multi-copy.test.ts:
// the same wiring, observed from inside (wiring state, registry, app provider).
const registry = () =>
  (globalThis as Record<symbol, Record<string, unknown> | undefined>)[API_GLOBAL_KEY];

describe('registerMosaicTelemetry', () => {
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
    delete (globalThis as Record<symbol, unknown>)[API_GLOBAL_KEY];
    await server.close();
  });

  const events = () =>
    server.requests.flatMap(
      (r) => (JSON.parse(r.body) as { events: Array<Record<string, unknown>> }).events,
    );

  describe('with no provider registered', () => {
    it('serves the API with its own provider, then attaches to the one the app registers', async () => {
      registration = registerMosaicTelemetry(testConfig(server.url));
      expect(registration.enabled).toBe(true);
      expect(registration.wiring).toBe('fallback-provider');
      // Served, not registered: the registry's duplicate check does not see ours.
      await withTask({ 'mosaic.task.type': 'testing' }, async () => {
        expect(trace.getActiveSpan()?.isRecording()).toBe(true);
      });

      const app = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(app)] });
      expect(trace.setGlobalTracerProvider(provider)).toBe(true);
      expect(registration.wiring).toBe('app-provider');
      trace
        .getTracer('app')
        .startSpan('task', { attributes: { 'mosaic.task.type': 'documentation' } })
        .end();
      await registration.forceFlush();

      expect(app.getFinishedSpans().map((s) => s.name)).toEqual(['task']);
      expect(events().map((e) => e.task_type)).toEqual(['testing', 'documentation']);
    });

    it('returns the first registration to a second call', () => {
      registration = registerMosaicTelemetry(testConfig(server.url));
      expect(registerMosaicTelemetry(testConfig(server.url))).toBe(registration);
    });

    it('leaves no registry behind after shutdown when it made it', async () => {
      registration = registerMosaicTelemetry(testConfig(server.url));
      expect(registry()).toBeDefined();
      await registration.shutdown();
      registration = undefined;
      expect(registry()).toBeUndefined();
    });
  });

  describe('with an app provider registered first', () => {
    it('attaches to it', async () => {
      const app = new InMemorySpanExporter();
      trace.setGlobalTracerProvider(
        new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(app)] }),
      );
      registration = registerMosaicTelemetry(testConfig(server.url));
      expect(registration.wiring).toBe('app-provider');
      trace
        .getTracer('app')
        .startSpan('task', { attributes: { 'mosaic.task.type': 'refactoring' } })
        .end();
      await registration.forceFlush();
      expect(events().map((e) => e.task_type)).toEqual(['refactoring']);
    });

    it('says so and reports nothing when the provider is not an SDK provider', () => {
      const { lines, stop } = captureDiag(DiagLogLevel.WARN);
      try {
        trace.setGlobalTracerProvider({ getTracer: () => trace.getTracer('noop') } as never);
        registration = registerMosaicTelemetry(testConfig(server.url));
        expect(registration.wiring).toBe('none');
        expect(lines.join('\n')).toContain('not an OTel SDK provider');
      } finally {
        stop();
      }
    });
  });

  describe('when off or invalid', () => {
    it('touches nothing when switched off', () => {
      registration = registerMosaicTelemetry({ ...testConfig(server.url), enabled: false });
      expect(registration.enabled).toBe(false);
      expect(registration.wiring).toBe('none');
      expect(registry()).toBeUndefined();
    });

    it('runs disabled with an invalid config', () => {
      registration = registerMosaicTelemetry({ ...testConfig(server.url), apiKey: 'abc' });
      expect(registration.enabled).toBe(false);
      expect(registry()).toBeUndefined();
    });
  });
});
