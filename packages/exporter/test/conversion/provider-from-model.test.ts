import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TASK_SPAN_MODELS } from '../../../../test/support/task-span-models.js';
import { providerFromModel } from '../../src/conversion/provider-from-model.js';
import { readModelCall } from '../../src/usage/llm-call-usage.js';
import { startTaskHarness, type TaskHarness } from '../support/task-harness.js';

describe('providerFromModel', () => {
  it('maps the model families of each provider', () => {
    const cases: [string, string][] = [
      ['gpt-4o-mini', 'openai'],
      ['gpt-4o-mini-2024-07-18', 'openai'],
      ['GPT-4.1', 'openai'],
      ['chatgpt-4o-latest', 'openai'],
      ['o1', 'openai'],
      ['o3-mini', 'openai'],
      ['o4-mini-2025-04-16', 'openai'],
      ['claude-sonnet-4-5', 'anthropic'],
      ['claude-3-5-haiku-20241022', 'anthropic'],
      ['gemini-2.5-pro', 'google'],
      ['models/gemini-2.0-flash', 'google'],
      ['mistral-large-latest', 'mistral'],
      ['mixtral-8x7b', 'mistral'],
      ['codestral-2501', 'mistral'],
      ['codestral', 'mistral'],
      ['codex-mini-latest', 'openai'],
    ];
    for (const [model, provider] of cases) expect(providerFromModel(model), model).toBe(provider);
  });

  it('guesses nothing for names it does not know', () => {
    for (const model of [
      undefined,
      '',
      'llama3.1:8b',
      'omni-1',
      'o',
      'oX-1',
      'my-gpt-4',
      'deepseek-chat',
      'claudette',
    ]) {
      expect(providerFromModel(model), String(model)).toBeUndefined();
    }
  });

  describe('in readModelCall', () => {
    it('fills the provider from the model when no provider attribute exists', () => {
      const call = readModelCall({
        name: 'ChatAnthropic',
        attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'claude-sonnet-4-5' },
      });
      expect(call).toMatchObject({ model: 'claude-sonnet-4-5', provider: 'anthropic' });
    });

    it('lets an explicit provider attribute win over the model name', () => {
      const call = readModelCall({
        name: 'chat',
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.provider.name': 'azure.ai.openai',
          'gen_ai.system': 'anthropic',
        },
      });
      expect(call).toMatchObject({ provider: 'openai' });
      const routed = readModelCall({
        name: 'chat',
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.provider.name': 'openrouter',
        },
      });
      expect(routed).toMatchObject({ provider: 'openrouter' });
    });

    it('prefers the request model to the response model', () => {
      const call = readModelCall({
        name: 'chat',
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
          'gen_ai.request.model': 'gpt-4o-mini',
        },
      });
      expect(call).toMatchObject({ model: 'gpt-4o-mini', provider: 'openai' });
      const openInference = readModelCall({
        name: 'OpenAI Chat Completions',
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'gpt-4o-mini-2024-07-18',
          'llm.invocation_parameters': '{"model":"gpt-4o-mini","temperature":0}',
        },
      });
      expect(openInference).toMatchObject({ model: 'gpt-4o-mini' });
      const unreadable = readModelCall({
        name: 'x',
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'gpt-4o',
          'llm.invocation_parameters': '{not json',
        },
      });
      expect(unreadable).toMatchObject({ model: 'gpt-4o' });
    });
  });

  describe("for a task span's own model, in-process", () => {
    let harness: TaskHarness;
    beforeEach(async () => {
      harness = await startTaskHarness();
    });
    afterEach(async () => {
      await harness.close();
    });

    it('gives the provider of gpt-*, o1/o3/o4-mini, claude-*, gemini-*, mistral-*; unknown else', async () => {
      const tracer = harness.provider.getTracer('task-models');
      for (const [model] of TASK_SPAN_MODELS) {
        tracer
          .startSpan('task', {
            attributes: { 'mosaic.task.type': 'implementation', 'gen_ai.request.model': model },
          })
          .end();
      }
      const events = await harness.flushEvents();
      expect(events.map((e) => [e.model, e.provider])).toEqual(TASK_SPAN_MODELS);
    });

    it('lets a provider attribute win, and reads the response model when no request model exists', async () => {
      const tracer = harness.provider.getTracer('task-models');
      tracer
        .startSpan('task', {
          attributes: {
            'mosaic.task.type': 'testing',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.provider.name': 'azure.ai.openai',
          },
        })
        .end();
      tracer
        .startSpan('task', {
          attributes: {
            'mosaic.task.type': 'testing',
            'gen_ai.request.model': 'claude-sonnet-4-5',
            'gen_ai.system': 'aws.bedrock',
          },
        })
        .end();
      tracer
        .startSpan('task', {
          attributes: {
            'mosaic.task.type': 'testing',
            'gen_ai.response.model': 'gemini-2.0-flash',
          },
        })
        .end();
      const events = await harness.flushEvents();
      expect(events.map((e) => [e.model, e.provider])).toEqual([
        ['gpt-4o', 'openai'],
        ['claude-sonnet-4-5', 'custom'],
        ['gemini-2.0-flash', 'google'],
      ]);
    });
  });
});
