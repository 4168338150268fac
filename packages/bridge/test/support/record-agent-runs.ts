import { ROOT_CONTEXT, type Tracer, trace } from '@opentelemetry/api';

/**
 * Records `runs` agent runs through a real tracer: each an `invoke_agent` span with two `chat`
 * calls beneath it (gpt-5, openai; run i reads 100 + i input tokens per call and writes 10), the
 * calls carrying `extra` attributes too (e.g. a prompt no event may carry).
 */
export function recordAgentRuns(
  tracer: Tracer,
  runs: number,
  extra: Record<string, string> = {},
): void {
  for (let i = 0; i < runs; i++) {
    const agent = tracer.startSpan('agent.run', {
      attributes: { 'gen_ai.operation.name': 'invoke_agent' },
    });
    const inAgent = trace.setSpan(ROOT_CONTEXT, agent);
    for (let c = 0; c < 2; c++) {
      tracer
        .startSpan(
          'chat',
          {
            attributes: {
              'gen_ai.operation.name': 'chat',
              'gen_ai.provider.name': 'openai',
              'gen_ai.request.model': 'gpt-5',
              'gen_ai.usage.input_tokens': 100 + i,
              'gen_ai.usage.output_tokens': 10,
              ...extra,
            },
          },
          inAgent,
        )
        .end();
    }
    agent.end();
  }
}
