// Profiling aid (not a benchmark): runs one workload of bench (a) for `node --cpu-prof`.
// Usage: node --cpu-prof --cpu-prof-dir=DIR bench/lib/profile-task-spans.mjs [noop|floor|mosaic]
//   [chat|tool|aisdk|oi|task] [seconds]
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { forkHelper } from './child.mjs';
import { FloorProcessor } from './floor-processor.mjs';
import { importExporter } from './paths.mjs';
import { benchConfig, TASK_ATTRIBUTES } from './spans.mjs';

const [which = 'mosaic', workload = 'chat', seconds = '10'] = process.argv.slice(2);
const { createMosaicSpanProcessor } = await importExporter();
const sink = forkHelper('./sink-server.mjs', 'listening');
const { port } = await sink.ready;
const processor =
  which === 'noop'
    ? { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} }
    : which === 'floor'
      ? new FloorProcessor()
      : createMosaicSpanProcessor(
          benchConfig(`http://127.0.0.1:${port}`, { maxQueueSize: 10_000 }),
        );
const provider = new BasicTracerProvider({ spanProcessors: [processor] });
const tracer = provider.getTracer('bench');
const ATTRS = {
  chat: [
    'chat gpt-4o',
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
    },
    (i) => ({
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 1000 + (i % 5000),
      'gen_ai.usage.output_tokens': 50 + (i % 900),
    }),
  ],
  tool: [
    'execute_tool read_file',
    { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'read_file' },
    () => null,
  ],
  aisdk: [
    'ai.generateText.doGenerate',
    {
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.model.provider': 'openai.chat',
      'ai.model.id': 'gpt-4o',
      'gen_ai.system': 'openai.chat',
      'gen_ai.request.model': 'gpt-4o',
    },
    (i) => ({
      'ai.usage.inputTokens': 1000 + (i % 5000),
      'ai.usage.outputTokens': 50 + (i % 900),
      'gen_ai.usage.input_tokens': 1000 + (i % 5000),
      'gen_ai.usage.output_tokens': 50 + (i % 900),
    }),
  ],
  oi: [
    'OpenAI Chat Completions',
    {
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o',
      'llm.provider': 'openai',
      'llm.invocation_parameters': '{"model":"gpt-4o","temperature":0}',
    },
    (i) => ({
      'llm.model_name': 'gpt-4o-2024-08-06',
      'llm.token_count.prompt': 1000 + (i % 5000),
      'llm.token_count.completion': 50 + (i % 900),
    }),
  ],
};
const per = workload === 'task' ? 3 : 1000;
const [name, start, end] = ATTRS[workload === 'task' ? 'chat' : workload];
const until = performance.now() + Number(seconds) * 1000;
let i = 0;
let tasks = 0;
const cpu = process.cpuUsage();
while (performance.now() < until) {
  const task = tracer.startSpan('task', { attributes: TASK_ATTRIBUTES }, ROOT_CONTEXT);
  const ctx = trace.setSpan(ROOT_CONTEXT, task);
  for (let k = 0; k < per; k++) {
    const span = tracer.startSpan(name, { attributes: start }, ctx);
    const late = end(i++);
    if (late !== null) span.setAttributes(late);
    span.end();
  }
  task.end();
  if (++tasks % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
}
await provider.forceFlush();
const { user, system } = process.cpuUsage(cpu);
console.log(
  `${which} ${workload}: ${tasks} tasks, ${i} spans, ${(((user + system) * 1000) / i).toFixed(0)} ns CPU per child span`,
);
await provider.shutdown();
await sink.close();
