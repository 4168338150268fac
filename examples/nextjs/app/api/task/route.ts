import { taskAttributes, withTask } from '@mosaicstack/telemetry-exporter';
import { trace } from '@opentelemetry/api';

// A route handler that runs one coding task with one model call. The model is whatever answers
// at MODEL_URL (the Next.js lane starts a loopback fake that answers like a chat API).
export const dynamic = 'force-dynamic';

interface ModelAnswer {
  model: string;
  usage: { input_tokens: number; output_tokens: number };
}

export async function POST(): Promise<Response> {
  const answer = await withTask(
    taskAttributes({ taskType: 'implementation', language: 'typescript' }),
    () =>
      trace.getTracer('nextjs-example').startActiveSpan('chat', async (span) => {
        try {
          const response = await fetch(`${process.env.MODEL_URL}/v1/messages`, {
            method: 'POST',
            body: JSON.stringify({ prompt: 'write the function' }),
          });
          const body = (await response.json()) as ModelAnswer;
          // What an instrumented model client records (OTel GenAI conventions).
          span.setAttributes({
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'anthropic',
            'gen_ai.request.model': body.model,
            'gen_ai.usage.input_tokens': body.usage.input_tokens,
            'gen_ai.usage.output_tokens': body.usage.output_tokens,
          });
          return body;
        } finally {
          span.end();
        }
      }),
  );
  return Response.json({ model: answer.model, tokens: answer.usage });
}
