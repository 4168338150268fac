import type { Attributes } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { readModelCall } from '../../src/usage/llm-call-usage.js';
import { reduceProviderMetadata } from '../../src/usage/reduce-provider-metadata.js';

const tracer = new BasicTracerProvider().getTracer('t');

/** A real ended AI SDK 5 call span of an Anthropic model, with `metadata` as its provider's. */
function aiSdk5Call(metadata: string | undefined): ReadableSpan {
  const attributes: Attributes = {
    'ai.operationId': 'ai.generateText.doGenerate',
    'ai.model.provider': 'anthropic.messages',
    'ai.model.id': 'claude-sonnet-4-5',
    'ai.usage.inputTokens': 100,
    'ai.usage.outputTokens': 20,
  };
  if (metadata !== undefined) attributes['ai.response.providerMetadata'] = metadata;
  const s = tracer.startSpan('ai.generateText.doGenerate', { attributes });
  s.end();
  return s as unknown as ReadableSpan;
}

/** What the AI SDK 5 Anthropic provider sets, with text beside the counts. */
const ANTHROPIC = JSON.stringify({
  anthropic: {
    usage: {
      input_tokens: 100,
      output_tokens: 20,
      cache_creation_input_tokens: 20,
      cache_read_input_tokens: 500,
      service_tier: 'standard',
    },
    cacheCreationInputTokens: 20,
    stopSequence: 'PLANTED stop text',
    container: null,
  },
});

describe('reduceProviderMetadata', () => {
  it('keeps the Anthropic cache counts alone, which the reader reads as from the whole', () => {
    const reduced = reduceProviderMetadata(ANTHROPIC);
    expect(reduced).toBeDefined();
    expect(reduced).not.toContain('PLANTED');
    expect(reduced).not.toContain('service_tier');
    const whole = readModelCall(aiSdk5Call(ANTHROPIC));
    expect(whole).toMatchObject({ inputTokens: 620, cacheReadTokens: 500, cacheWriteTokens: 20 });
    expect(readModelCall(aiSdk5Call(reduced))).toEqual(whole);
  });

  it('keeps nothing of metadata without Anthropic usage, or that is no JSON', () => {
    const google = JSON.stringify({
      google: { groundingMetadata: { webSearchQueries: ['PLANTED query'] } },
    });
    for (const metadata of [
      google,
      '{"anthropic": "PLANTED"}',
      '{"anthropic": {"usage": null}}',
      'PLANTED "anthropic" not JSON',
      42,
      undefined,
    ]) {
      expect(reduceProviderMetadata(metadata)).toBeUndefined();
    }
    // Such a call reads as it does with no metadata at all.
    expect(readModelCall(aiSdk5Call(google))).toEqual(readModelCall(aiSdk5Call(undefined)));
  });

  it('counts a cache count Anthropic left out or sent as null as 0', () => {
    const reduced = reduceProviderMetadata(
      JSON.stringify({ anthropic: { usage: { cache_read_input_tokens: null } } }),
    );
    expect(JSON.parse(reduced as string)).toEqual({
      anthropic: { usage: { cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } },
    });
  });
});
