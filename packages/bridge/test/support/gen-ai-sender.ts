import type { Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';

/** The model every {@link genAiSender} call names. */
export const GEN_AI_SENDER_MODEL = 'gpt-4.1';

/**
 * A real OTel MeterProvider recording `gen_ai.client.token.usage` as a GenAI client library does;
 * `extra`: more attributes on each point (none a source reads).
 */
export function genAiSender(
  exporter: PushMetricExporter,
  instance: string | undefined,
  extra: Attributes = {},
) {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': 'support-agent',
      ...(instance === undefined ? {} : { 'service.instance.id': instance }),
      'mosaic.task.type': 'implementation',
    }),
    // Exports only when flushed, so each test decides what each export holds.
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
  });
  const histogram = provider
    .getMeter('genai-client')
    .createHistogram('gen_ai.client.token.usage', { unit: '{token}' });
  const attrs = (type: 'input' | 'output'): Attributes => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': GEN_AI_SENDER_MODEL,
    'gen_ai.token.type': type,
    ...extra,
    'server.address': '127.0.0.1',
  });
  return {
    /** One model call's usage. */
    call(input: number, output: number) {
      histogram.record(input, attrs('input'));
      histogram.record(output, attrs('output'));
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
