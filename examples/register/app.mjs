// An app that knows nothing about Mosaic: it uses the OpenTelemetry API only and marks its coding
// tasks with the task attributes. The register entry reports them, with no code change:
//
//   MOSAIC_TELEMETRY_ENABLED=1 MOSAIC_TELEMETRY_SERVER_URL=http://127.0.0.1:8931 \
//   MOSAIC_TELEMETRY_API_KEY=... MOSAIC_TELEMETRY_INSTANCE_ID=... \
//   node --import @mosaicstack/telemetry-exporter/register examples/register/app.mjs
//
// (`node examples/register/run.mjs` does all of that against a throwaway devserver.)
// With the flag off the entry loads no OTel SDK and these spans cost nothing.
import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('register-example');

function modelCall(inputTokens, outputTokens) {
  tracer
    .startSpan('chat gpt-4o', {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': inputTokens,
        'gen_ai.usage.output_tokens': outputTokens,
      },
    })
    .end();
}

for (const [taskType, calls] of [
  ['debugging', 3],
  ['code_review', 1],
]) {
  await tracer.startActiveSpan(
    `task ${taskType}`,
    { attributes: { 'mosaic.task.type': taskType, 'mosaic.task.language': 'python' } },
    async (span) => {
      for (let i = 0; i < calls; i++) modelCall(4000 + i * 1000, 600);
      await new Promise((resolve) => setTimeout(resolve, 20));
      span.setAttribute('mosaic.task.outcome', 'success');
      span.end();
    },
  );
}
console.log('app: done, exiting normally (the register entry flushes on beforeExit)');
