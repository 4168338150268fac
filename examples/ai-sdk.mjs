// Vercel AI SDK (v6) under one task span: the SDK's own telemetry spans (ai.generateText,
// ai.generateText.doGenerate, ...) are folded into the task, so the event carries the tokens of
// every model call, each counted once, without hand-counting. MockLanguageModelV3 stands in for a
// real provider so this runs offline; swap in `openai('gpt-4o')` etc. in a real app.
// Run from the repository root after `pnpm build`: node examples/ai-sdk.mjs

import { startDevServer } from '@mosaicstack/telemetry-devserver';
import { createMosaicSpanProcessor, withTask } from '@mosaicstack/telemetry-exporter';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { generateText, stepCountIs, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { z } from 'zod';

const server = await startDevServer();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const provider = new BasicTracerProvider({
  spanProcessors: [
    createMosaicSpanProcessor({
      enabled: true,
      serverUrl: server.url,
      apiKey: server.apiKey,
      instanceId: server.instanceId,
      harness: 'custom',
    }),
  ],
});
trace.setGlobalTracerProvider(provider);

const usage = (input, output) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});
// Two model calls: one that asks for a tool, one that answers.
const model = new MockLanguageModelV3({
  provider: 'anthropic.messages',
  modelId: 'claude-sonnet-4-5',
  doGenerate: [
    {
      content: [
        { type: 'tool-call', toolCallId: 'c1', toolName: 'runTests', input: '{"path":"src"}' },
      ],
      finishReason: { unified: 'tool-calls', raw: 'tool_use' },
      usage: usage(1800, 40),
      warnings: [],
    },
    {
      content: [{ type: 'text', text: 'All 42 tests pass.' }],
      finishReason: { unified: 'stop', raw: 'end_turn' },
      usage: usage(2100, 25),
      warnings: [],
    },
  ],
});

await withTask(
  { 'mosaic.task.type': 'testing', 'mosaic.task.language': 'typescript' },
  async () => {
    const result = await generateText({
      model,
      prompt: 'Run the test suite and report.',
      tools: {
        runTests: tool({
          inputSchema: z.object({ path: z.string() }),
          execute: async ({ path }) => ({ path, passed: 42, failed: 0 }),
        }),
      },
      stopWhen: stepCountIs(3),
      // The AI SDK records its spans only when telemetry is switched on.
      experimental_telemetry: { isEnabled: true },
    });
    console.log(`model said: ${result.text}`);
  },
);

await provider.forceFlush();
const [event] = server.listEvents();
console.log(
  `stored event: ${event.task_type} ${event.provider}/${event.model}, ` +
    `${event.actual_input_tokens} input + ${event.actual_output_tokens} output tokens ` +
    '(1800+2100 and 40+25 over two model calls)',
);
await provider.shutdown();
await server.close();
