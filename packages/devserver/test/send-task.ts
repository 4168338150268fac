import { type Attributes, context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Records one task span with a model call beneath it and exports it over OTLP/gRPC + gzip. */
export async function sendTask(grpcUrl: string, task: Attributes): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: grpcUrl, compression: 'gzip' as never });
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('otlp-grpc-test');
  const taskSpan = tracer.startSpan('task', { attributes: task });
  tracer
    .startSpan(
      'chat gpt-4o',
      {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.provider.name': 'openai',
          'gen_ai.usage.input_tokens': 100,
          'gen_ai.usage.output_tokens': 10,
          'gen_ai.input.messages': 'SECRET PROMPT TEXT',
        },
      },
      trace.setSpan(context.active(), taskSpan),
    )
    .end();
  taskSpan.end();
  await provider.shutdown();
}
