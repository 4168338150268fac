import type { Attributes } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import {
  isAgentRoot,
  modelCallFields,
  readModelCall,
  readModelCallInto,
} from '../../src/usage/llm-call-usage.js';

const tracer = new BasicTracerProvider().getTracer('t');

/** A real ended span with `attributes`. */
function span(name: string, attributes: Attributes): ReadableSpan {
  const s = tracer.startSpan(name, { attributes });
  s.end();
  return s as unknown as ReadableSpan;
}

describe('readModelCall', () => {
  describe('OTel GenAI', () => {
    it('reads a chat call, preferring gen_ai.provider.name and the request model', () => {
      const call = readModelCall(
        span('chat claude', {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'claude-sonnet-4',
          'gen_ai.response.model': 'claude-sonnet-4-20250514',
          'gen_ai.usage.input_tokens': 1200,
          'gen_ai.usage.output_tokens': 80,
        }),
      );
      expect(call).toEqual({
        kind: 'call',
        dialect: 'gen-ai',
        inputTokens: 1200,
        outputTokens: 80,
        model: 'claude-sonnet-4',
        provider: 'anthropic',
      });
    });

    it('falls back to legacy gen_ai.system and gen_ai.response.model', () => {
      const call = readModelCall(
        span('generate_content', {
          'gen_ai.operation.name': 'generate_content',
          'gen_ai.system': 'gcp.vertex_ai',
          'gen_ai.response.model': 'gemini-2.5-pro',
          'gen_ai.usage.input_tokens': 5,
        }),
      );
      expect(call).toMatchObject({
        kind: 'call',
        inputTokens: 5,
        outputTokens: undefined,
        model: 'gemini-2.5-pro',
        provider: 'google',
      });
    });

    it('reads text_completion as a call', () => {
      expect(readModelCall(span('x', { 'gen_ai.operation.name': 'text_completion' }))?.kind).toBe(
        'call',
      );
    });

    it('reads invoke_agent and agent_step as wrappers that carry their children', () => {
      for (const op of ['invoke_agent', 'agent_step']) {
        const call = readModelCall(
          span(op, { 'gen_ai.operation.name': op, 'gen_ai.usage.input_tokens': 900 }),
        );
        expect(call).toMatchObject({ kind: 'wrapper', inputTokens: 900 });
      }
    });

    it('reads embeddings as an embedding, not a call', () => {
      const call = readModelCall(
        span('embeddings', {
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.request.model': 'text-embedding-3-small',
          'gen_ai.usage.input_tokens': 40,
        }),
      );
      expect(call).toMatchObject({ kind: 'embedding', inputTokens: 40 });
    });

    it('returns undefined for execute_tool and operations it does not know', () => {
      expect(
        readModelCall(span('tool', { 'gen_ai.operation.name': 'execute_tool' })),
      ).toBeUndefined();
      expect(readModelCall(span('x', { 'gen_ai.operation.name': 'create_agent' }))).toBeUndefined();
    });

    it('reads every operation it knows as its kind, and a prototype member name as nothing', () => {
      const kinds = {
        chat: 'call',
        text_completion: 'call',
        generate_content: 'call',
        invoke_agent: 'wrapper',
        agent_step: 'wrapper',
        invoke_workflow: 'wrapper',
        embeddings: 'embedding',
        constructor: undefined,
        toString: undefined,
        ['__proto__']: undefined,
        CHAT: undefined,
      };
      for (const [operation, kind] of Object.entries(kinds)) {
        const call = readModelCall(span('x', { 'gen_ai.operation.name': operation }));
        expect(call?.kind, operation).toBe(kind);
      }
    });
  });

  describe('Vercel AI SDK', () => {
    it('reads a v5+ doGenerate call from ai.* even though it also carries gen_ai.*', () => {
      const call = readModelCall(
        span('ai.generateText.doGenerate', {
          'ai.model.id': 'gpt-4o-mini',
          'ai.model.provider': 'openai.chat',
          'ai.usage.inputTokens': 120,
          'ai.usage.outputTokens': 15,
          'gen_ai.system': 'openai.chat',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 120,
          'gen_ai.usage.output_tokens': 15,
        }),
      );
      expect(call).toEqual({
        kind: 'call',
        dialect: 'ai-sdk',
        inputTokens: 120,
        outputTokens: 15,
        model: 'gpt-4o-mini',
        provider: 'openai',
      });
    });

    it('reads v4 promptTokens/completionTokens', () => {
      const call = readModelCall(
        span('ai.streamText.doStream', {
          'ai.model.id': 'claude-3-5-haiku',
          'ai.model.provider': 'anthropic.messages',
          'ai.usage.promptTokens': 30,
          'ai.usage.completionTokens': 7,
        }),
      );
      expect(call).toEqual({
        kind: 'call',
        dialect: 'ai-sdk',
        inputTokens: 30,
        outputTokens: 7,
        model: 'claude-3-5-haiku',
        provider: 'anthropic',
      });
    });

    it('reads every generate/stream operation and its model call by span name', () => {
      for (const op of ['generateText', 'streamText', 'generateObject', 'streamObject']) {
        expect(readModelCall(span(`ai.${op}`, {}))?.kind).toBe('wrapper');
      }
      for (const name of [
        'ai.generateText.doGenerate',
        'ai.streamText.doStream',
        'ai.generateObject.doGenerate',
        'ai.streamObject.doStream',
      ]) {
        expect(readModelCall(span(name, {}))?.kind).toBe('call');
      }
    });

    it('knows an AI SDK span by its ai.operationId whatever its name', () => {
      const call = readModelCall(
        span('renamed by a span processor', {
          'ai.operationId': 'ai.streamText.doStream',
          'ai.model.id': 'gpt-4o',
          'ai.usage.inputTokens': 5,
          'gen_ai.operation.name': 'chat',
        }),
      );
      expect(call).toMatchObject({ kind: 'call', dialect: 'ai-sdk', inputTokens: 5 });
    });

    it("never reads a span's name when its attributes say what it is", () => {
      let reads = 0;
      const named = (attributes: Attributes) => ({
        attributes,
        get name() {
          reads++;
          return 'chat gpt-4o-mini';
        },
      });
      readModelCall(named({ 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 1 }));
      readModelCall(named({ 'gen_ai.operation.name': 'execute_tool' }));
      readModelCall(named({ 'openinference.span.kind': 'LLM' }));
      readModelCall(named({ 'traceloop.span.kind': 'workflow' }));
      readModelCall(named({ 'ai.operationId': 'ai.generateText.doGenerate' }));
      expect(reads).toBe(0);
      // A span of no dialect: its name is the last thing to look at.
      readModelCall(named({ 'http.request.method': 'GET' }));
      expect(reads).toBe(1);
    });

    it('reads embed and embedMany spans as embeddings', () => {
      for (const name of ['ai.embed', 'ai.embedMany', 'ai.embed.doEmbed', 'ai.embedMany.doEmbed']) {
        expect(readModelCall(span(name, { 'ai.usage.tokens': 12 }))).toMatchObject({
          kind: 'embedding',
          inputTokens: 12,
        });
      }
    });

    it('returns undefined for a tool call span', () => {
      expect(readModelCall(span('ai.toolCall', { 'ai.toolCall.name': 'add' }))).toBeUndefined();
    });
  });

  describe('OpenInference', () => {
    it('reads an LLM span', () => {
      const call = readModelCall(
        span('ChatOpenAI', {
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'gpt-4.1',
          'llm.provider': 'openai',
          'llm.token_count.prompt': 300,
          'llm.token_count.completion': 40,
          'llm.token_count.total': 340,
        }),
      );
      expect(call).toEqual({
        kind: 'call',
        dialect: 'openinference',
        inputTokens: 300,
        outputTokens: 40,
        model: 'gpt-4.1',
        provider: 'openai',
      });
    });

    it('falls back to llm.system for the provider', () => {
      const call = readModelCall(
        span('llm', { 'openinference.span.kind': 'LLM', 'llm.system': 'mistralai' }),
      );
      expect(call?.provider).toBe('mistral');
    });

    it('reads AGENT and CHAIN as wrappers, EMBEDDING as embedding, TOOL as nothing', () => {
      expect(readModelCall(span('a', { 'openinference.span.kind': 'AGENT' }))?.kind).toBe(
        'wrapper',
      );
      expect(readModelCall(span('c', { 'openinference.span.kind': 'CHAIN' }))?.kind).toBe(
        'wrapper',
      );
      expect(readModelCall(span('e', { 'openinference.span.kind': 'EMBEDDING' }))?.kind).toBe(
        'embedding',
      );
      expect(readModelCall(span('t', { 'openinference.span.kind': 'TOOL' }))).toBeUndefined();
    });

    it('accepts a lower-case span kind', () => {
      expect(readModelCall(span('l', { 'openinference.span.kind': 'llm' }))?.kind).toBe('call');
    });

    it('takes the model a call started with before the invocation parameters and the end', () => {
      const read = (modelAtStart: unknown) => {
        const out = modelCallFields();
        readModelCallInto(
          span('OpenAI Chat Completions', {
            'openinference.span.kind': 'LLM',
            'llm.model_name': 'gpt-4o-2024-08-06',
            'llm.invocation_parameters': '{"model":"gpt-4o-mini","temperature":0}',
          }),
          out,
          modelAtStart,
        );
        return out.model;
      };
      expect(read('gpt-4o')).toBe('gpt-4o');
      expect(read(' gpt-4o ')).toBe('gpt-4o');
      // Nothing usable at the start: the invocation parameters, as for a span read once ended.
      for (const nothing of [undefined, '', '  ', 42, ['gpt-4o']]) {
        expect(read(nothing)).toBe('gpt-4o-mini');
      }
      // Only a call's request model: a wrapper's model is the one it ended with.
      const wrapper = modelCallFields();
      readModelCallInto(
        span('agent', { 'openinference.span.kind': 'AGENT', 'llm.model_name': 'end' }),
        wrapper,
        'start',
      );
      expect(wrapper.model).toBe('end');
    });

    it('reads the request model of each distinct invocation parameters, repeated or not', () => {
      const llm = (parameters: string) =>
        readModelCall(
          span('ChatOpenAI', {
            'openinference.span.kind': 'LLM',
            'llm.model_name': 'response-model',
            'llm.invocation_parameters': parameters,
          }),
        )?.model;
      // More distinct strings than the parse cache holds, each read twice, long ones too.
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 150; i++) {
          expect(llm(`{"model":"m-${i}","temperature":0}`)).toBe(`m-${i}`);
        }
        expect(llm(`{"model":"long","stop":"${'x'.repeat(2000)}"}`)).toBe('long');
        expect(llm('{"temperature":0}')).toBe('response-model');
        expect(llm('not json')).toBe('response-model');
      }
    });
  });

  describe('OpenLLMetry', () => {
    it('reads workflow, task and agent spans as wrappers and tool spans as nothing', () => {
      for (const kind of ['workflow', 'task', 'agent']) {
        expect(readModelCall(span(kind, { 'traceloop.span.kind': kind }))?.kind).toBe('wrapper');
      }
      expect(readModelCall(span('tool', { 'traceloop.span.kind': 'tool' }))).toBeUndefined();
    });

    it('reads an older LLM span with gen_ai.usage.prompt_tokens/completion_tokens', () => {
      const call = readModelCall(
        span('openai.chat', {
          'llm.request.type': 'chat',
          'gen_ai.system': 'OpenAI',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.prompt_tokens': 50,
          'gen_ai.usage.completion_tokens': 6,
        }),
      );
      expect(call).toEqual({
        kind: 'call',
        dialect: 'openllmetry',
        inputTokens: 50,
        outputTokens: 6,
        model: 'gpt-4o',
        provider: 'openai',
      });
    });

    it('reads an embedding request type as an embedding', () => {
      expect(
        readModelCall(span('openai.embeddings', { 'llm.request.type': 'embedding' }))?.kind,
      ).toBe('embedding');
    });

    it('reads a span with bare gen_ai.usage counts as a call', () => {
      const call = readModelCall(
        span('anthropic.chat', { 'gen_ai.system': 'Anthropic', 'gen_ai.usage.input_tokens': 3 }),
      );
      expect(call).toMatchObject({ kind: 'call', inputTokens: 3, provider: 'anthropic' });
    });
  });

  describe('usage breakdown', () => {
    it('reads cache reads, cache writes and reasoning of an OTel GenAI call', () => {
      const call = readModelCall(
        span('chat gpt-5', {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-5',
          'gen_ai.usage.input_tokens': 5000,
          'gen_ai.usage.output_tokens': 900,
          'gen_ai.usage.cache_read.input_tokens': 3000,
          'gen_ai.usage.cache_creation.input_tokens': 500,
          'gen_ai.usage.reasoning.output_tokens': 600,
        }),
      );
      expect(call).toMatchObject({
        inputTokens: 5000,
        outputTokens: 900,
        cacheReadTokens: 3000,
        cacheWriteTokens: 500,
        reasoningTokens: 600,
      });
    });

    it('adds the cached tokens to an input count that plainly leaves them out (Anthropic input_tokens passed on as is)', () => {
      const call = readModelCall(
        span('anthropic.chat', {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-sonnet-4-5',
          'gen_ai.usage.input_tokens': 12,
          'gen_ai.usage.output_tokens': 300,
          'gen_ai.usage.cache_read.input_tokens': 40_000,
          'gen_ai.usage.cache_creation.input_tokens': 2_000,
        }),
      );
      expect(call).toMatchObject({
        inputTokens: 42_012,
        cacheReadTokens: 40_000,
        cacheWriteTokens: 2_000,
      });
    });

    it("reads no Anthropic cache counts from an OpenAI or Gemini provider's AI SDK 5 metadata", () => {
      const metadata = JSON.stringify({
        anthropic: { usage: { cache_read_input_tokens: 500, cache_creation_input_tokens: 20 } },
      });
      const read = (provider: string) =>
        readModelCall(
          span('ai.generateText.doGenerate', {
            'ai.model.provider': provider,
            'ai.model.id': 'some-model',
            'ai.usage.inputTokens': 100,
            'ai.response.providerMetadata': metadata,
          }),
        );
      // OpenAI's counts include its cached tokens: metadata naming Anthropic is not its own. Nor
      // is it Gemini's, through Google's own provider, directly or on Vertex.
      expect(read('openai.chat')).toMatchObject({ inputTokens: 100, cacheReadTokens: undefined });
      expect(read('openai.responses')).toMatchObject({ inputTokens: 100 });
      for (const gemini of ['google.generative-ai', 'google.vertex.chat']) {
        expect(read(gemini)).toMatchObject({ inputTokens: 100, cacheReadTokens: undefined });
      }
      // Any other provider's (Anthropic's, on Vertex or through a gateway) is read.
      for (const other of ['anthropic.messages', 'vertex.anthropic.messages', 'gateway']) {
        expect(read(other)).toMatchObject({
          inputTokens: 620,
          cacheReadTokens: 500,
          cacheWriteTokens: 20,
        });
      }
    });

    it('reads the AI SDK cached input, v6 cache writes and reasoning', () => {
      const call = readModelCall(
        span('ai.generateText.doGenerate', {
          'ai.model.provider': 'anthropic.messages',
          'ai.model.id': 'claude-sonnet-4-5',
          'ai.usage.inputTokens': 9000,
          'ai.usage.outputTokens': 700,
          'ai.usage.cachedInputTokens': 6000,
          'ai.usage.inputTokenDetails.cacheReadTokens': 6000,
          'ai.usage.inputTokenDetails.cacheWriteTokens': 2000,
          'ai.usage.reasoningTokens': 200,
          'ai.usage.outputTokenDetails.reasoningTokens': 200,
        }),
      );
      expect(call).toMatchObject({
        inputTokens: 9000,
        outputTokens: 700,
        cacheReadTokens: 6000,
        cacheWriteTokens: 2000,
        reasoningTokens: 200,
      });
    });

    it('reads OpenInference prompt and completion details', () => {
      const call = readModelCall(
        span('ChatAnthropic', {
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'claude-sonnet-4-5',
          'llm.token_count.prompt': 8000,
          'llm.token_count.completion': 400,
          'llm.token_count.prompt_details.cache_read': 5000,
          'llm.token_count.prompt_details.cache_write': 1000,
          'llm.token_count.completion_details.reasoning': 150,
        }),
      );
      expect(call).toMatchObject({
        inputTokens: 8000,
        cacheReadTokens: 5000,
        cacheWriteTokens: 1000,
        reasoningTokens: 150,
      });
    });

    it('leaves the parts absent when the span reports none', () => {
      const call = readModelCall(
        span('chat gpt-4o', {
          'gen_ai.operation.name': 'chat',
          'gen_ai.usage.input_tokens': 10,
          'gen_ai.usage.output_tokens': 2,
        }),
      );
      expect(call?.cacheReadTokens).toBeUndefined();
      expect(call?.cacheWriteTokens).toBeUndefined();
      expect(call?.reasoningTokens).toBeUndefined();
    });
  });

  describe('values', () => {
    it('returns undefined for an ordinary span', () => {
      expect(readModelCall(span('GET /users', { 'http.request.method': 'GET' }))).toBeUndefined();
    });

    it('returns undefined for empty, short and ai.-prefixed names it does not know', () => {
      for (const name of ['', 'a', 'ai', 'ai.', 'ai.generate', 'AI.generateText']) {
        expect(readModelCall(span(name, {}))).toBeUndefined();
      }
    });

    it('truncates fractional counts and drops negative, NaN, infinite or non-number counts', () => {
      const read = (value: unknown) =>
        readModelCall(
          span('chat', {
            'gen_ai.operation.name': 'chat',
            'gen_ai.usage.input_tokens': value as number,
          }),
        )?.inputTokens;
      expect(read(12.9)).toBe(12);
      expect(read(-1)).toBeUndefined();
      expect(read(Number.NaN)).toBeUndefined();
      expect(read(Number.POSITIVE_INFINITY)).toBeUndefined();
      expect(read('12')).toBeUndefined();
    });

    it('trims model and provider strings and drops blank ones', () => {
      const call = readModelCall(
        span('chat', {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': '   ',
          'gen_ai.response.model': ' gpt-4o ',
          'gen_ai.provider.name': '',
        }),
      );
      // A blank provider attribute names none, so the model name decides.
      expect(call).toMatchObject({ model: 'gpt-4o', provider: 'openai' });
    });

    it('maps a provider it does not know to custom', () => {
      const call = readModelCall(
        span('chat', { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'acme.llm' }),
      );
      expect(call?.provider).toBe('custom');
    });
  });
});

describe('isAgentRoot', () => {
  it('accepts invoke_agent spans and top-level AI SDK generate/stream wrappers', () => {
    expect(
      isAgentRoot(span('invoke_agent coder', { 'gen_ai.operation.name': 'invoke_agent' })),
    ).toBe(true);
    for (const name of [
      'ai.generateText',
      'ai.streamText',
      'ai.generateObject',
      'ai.streamObject',
    ]) {
      expect(isAgentRoot(span(name, {}))).toBe(true);
    }
  });

  it('rejects model calls, embeddings and ordinary spans', () => {
    expect(isAgentRoot(span('chat', { 'gen_ai.operation.name': 'chat' }))).toBe(false);
    expect(isAgentRoot(span('ai.generateText.doGenerate', {}))).toBe(false);
    expect(isAgentRoot(span('ai.embed', {}))).toBe(false);
    expect(isAgentRoot(span('GET /', {}))).toBe(false);
  });

  it('knows an AI SDK wrapper by its ai.operationId before its name', () => {
    expect(isAgentRoot(span('renamed', { 'ai.operationId': 'ai.streamText' }))).toBe(true);
    expect(isAgentRoot(span('ai.streamText', { 'ai.operationId': 'ai.embed' }))).toBe(false);
    expect(isAgentRoot(span(`POST ${'/x'.repeat(40)}`, {}))).toBe(false);
  });
});
