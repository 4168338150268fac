// NodeSDK with the Mosaic processor next to the app's own span processor.
//
// NodeSDK's `spanProcessors` replaces the processors it would build from OTEL_TRACES_EXPORTER, so
// list your usual one (OTLP here when OTEL_EXPORTER_OTLP_ENDPOINT is set, else the console) and
// ours side by side. Run from the repository root after `pnpm build`:
//
//   node examples/node-sdk.mjs
//
// Without MOSAIC_TELEMETRY_SERVER_URL it starts an in-memory devserver on 127.0.0.1 and prints
// what it stored; with MOSAIC_TELEMETRY_ENABLED/SERVER_URL/API_KEY/INSTANCE_ID set it reports
// there instead.
import { startDevServer } from '@mosaicstack/telemetry-devserver';
import {
  createMosaicSpanProcessor,
  taskAttributes,
  withTask,
} from '@mosaicstack/telemetry-exporter';
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';

const devserver = process.env.MOSAIC_TELEMETRY_SERVER_URL ? undefined : await startDevServer();
// Explicit options win over MOSAIC_TELEMETRY_* env; an empty config takes everything from env.
const mosaicConfig = devserver
  ? {
      enabled: true,
      serverUrl: devserver.url,
      apiKey: devserver.apiKey,
      instanceId: devserver.instanceId,
      harness: 'custom',
    }
  : {};

const appProcessor = process.env.OTEL_EXPORTER_OTLP_ENDPOINT
  ? new tracing.BatchSpanProcessor(new OTLPTraceExporter())
  : new tracing.SimpleSpanProcessor(new tracing.ConsoleSpanExporter());

const sdk = new NodeSDK({
  serviceName: 'node-sdk-example',
  spanProcessors: [appProcessor, createMosaicSpanProcessor(mosaicConfig)],
});
sdk.start();

const tracer = trace.getTracer('node-sdk-example');

/** A model call as an instrumented LLM client records it (OTel GenAI conventions). */
function modelCall(inputTokens, outputTokens) {
  tracer
    .startSpan('chat claude-sonnet-4-5', {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': 'claude-sonnet-4-5',
        'gen_ai.usage.input_tokens': inputTokens,
        'gen_ai.usage.output_tokens': outputTokens,
      },
    })
    .end();
}

// One coding task: its span carries the task attributes, the model calls inside it are folded in.
await withTask(
  taskAttributes({ taskType: 'implementation', complexity: 'medium', language: 'typescript' }),
  async (span) => {
    modelCall(5200, 900);
    modelCall(7400, 1300);
    span.setAttribute('mosaic.quality.passed', true);
  },
);

// Flushes every processor: the console/OTLP one and ours (which delivers the task event).
// NodeSDK's default log and metric exporters aim at an OTLP collector on localhost:4318: without
// one their shutdown rejects, which must not fail the example.
await sdk.shutdown().catch((error) => console.error(`OpenTelemetry shutdown: ${error.message}`));

if (devserver) {
  for (const event of devserver.listEvents()) {
    console.log(
      `devserver stored: ${event.task_type} ${event.model} in=${event.actual_input_tokens} out=${event.actual_output_tokens} outcome=${event.outcome}`,
    );
  }
  await devserver.close();
}
