import { validateTaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BridgeLoop, startBridgeLoop } from './support/bridge-to-devserver.js';
import { recordAgentRuns } from './support/record-agent-runs.js';

/**
 * The OpenTelemetry JS OTLP/gRPC exporters (what Gemini CLI and Qwen Code use by default) sending
 * real spans and log records to a bridge in front of a real devserver, plain and gzip.
 */
describe('bridge behind the OTel JS OTLP/gRPC exporters', () => {
  let loop: BridgeLoop | undefined;
  afterEach(async () => {
    vi.unstubAllEnvs();
    await loop?.close();
    loop = undefined;
  });

  for (const compression of ['none', 'gzip'] as const) {
    it(`stores one task per agent run from spans (compression: ${compression})`, async () => {
      loop = await startBridgeLoop({ taskIdleMs: 60_000 });
      const exporter = new OTLPTraceExporter({
        url: loop.bridge.grpcUrl,
        compression: compression as never,
      });
      const provider = new BasicTracerProvider({
        spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 50 })],
      });
      const tracer = provider.getTracer('agent');
      const RUNS = 3;
      recordAgentRuns(tracer, RUNS, { 'gen_ai.prompt': 'secret prompt text' });
      await provider.forceFlush();
      await provider.shutdown();
      expect(loop.bridge.stats.received.spans).toBe(RUNS * 3);
      expect(loop.bridge.stats.requestsRefused).toEqual({});
      const events = await loop.finish();
      expect(events).toHaveLength(RUNS);
      for (const e of events) expect(validateTaskCompletionEvent(e)).toEqual([]);
      const inputs = events.map((e) => e.actual_input_tokens).sort((a, b) => a - b);
      expect(inputs).toEqual([200, 202, 204]);
      expect(events.every((e) => e.provider === 'openai' && e.actual_output_tokens === 20)).toBe(
        true,
      );
      expect(JSON.stringify(events)).not.toContain('secret');
    });

    it(`stores a Gemini CLI prompt from its log records (compression: ${compression})`, async () => {
      vi.stubEnv('OTEL_SERVICE_NAME', 'gemini-cli');
      loop = await startBridgeLoop({ taskIdleMs: 60_000 });
      const exporter = new OTLPLogExporter({
        url: loop.bridge.grpcUrl,
        compression: compression as never,
      });
      const provider = new LoggerProvider({
        processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 50 })],
      });
      const logger = provider.getLogger('gemini-cli');
      const response = (model: string, input: number, output: number, thoughts: number) =>
        logger.emit({
          attributes: {
            'event.name': 'gemini_cli.api_response',
            'session.id': 'session-1',
            prompt_id: 'prompt-1',
            model,
            status_code: 200,
            duration_ms: 250,
            input_token_count: input,
            output_token_count: output,
            thoughts_token_count: thoughts,
            response_text: 'secret answer text',
          },
        });
      response('gemini-2.5-flash-lite', 40, 2, 0); // the model router's request
      response('gemini-2.5-pro', 1000, 50, 30);
      await provider.forceFlush();
      await provider.shutdown();
      expect(loop.bridge.stats.received.logRecords).toBe(2);
      const events = await loop.finish();
      expect(events).toHaveLength(1);
      expect(validateTaskCompletionEvent(events[0])).toEqual([]);
      expect(events[0]).toMatchObject({
        actual_input_tokens: 1040,
        actual_output_tokens: 82,
        model: 'gemini-2.5-pro',
        provider: 'google',
        outcome: 'success',
      });
      expect(JSON.stringify(events)).not.toContain('secret');
    });
  }
});
