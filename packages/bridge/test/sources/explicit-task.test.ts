import { describe, expect, it } from 'vitest';
import { explicitTask, hasOwnTaskType } from '../../src/sources/explicit-task.js';
import { SPAN_FILTER } from '../../src/sources/index.js';
import { loadCapture } from '../support/captures.js';
import { hex, span, tracesRequest } from '../support/otlp-json.js';
import { jsonRequest, tracesOf, traceTasksOf } from '../support/source-fixtures.js';

describe('source: explicit mosaic.task.type spans', () => {
  it('declares mosaic.task.type and the model-call keys, and the decode filter keeps them', () => {
    expect(explicitTask.reads.attributeKeys).toContain('mosaic.task.type');
    expect(SPAN_FILTER.isRelevantKey('mosaic.task.type')).toBe(true);
    expect(SPAN_FILTER.isRelevantKey(Buffer.from('mosaic.task.type'))).toBe(true);
    expect(SPAN_FILTER.isRelevantKey('mosaic.task.typo')).toBe(false);
  });

  it('makes each span with its own type a task, usage folded from the calls beneath it', () => {
    const traceId = hex(16);
    const task = hex(8);
    const body = tracesRequest({ 'service.name': 'py-agent' }, [
      span({
        traceId,
        spanId: task,
        name: 'fix-bug',
        attributes: { 'mosaic.task.type': 'debugging' },
      }),
      span({
        traceId,
        parentSpanId: task,
        name: 'ai.generateText.doGenerate',
        attributes: {
          'ai.usage.inputTokens': 30,
          'ai.usage.outputTokens': 3,
          'ai.model.id': 'gpt-5',
          'ai.model.provider': 'openai.chat',
        },
      }),
    ]);
    const traces = tracesOf([jsonRequest('traces', body)]);
    expect(traces[0]?.hasCompletingSpan).toBe(true);
    const tasks = traceTasksOf(explicitTask, traces);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.draft).toMatchObject({
      spanId: task,
      source: 'mosaic.task',
      ownAttributes: { 'mosaic.task.type': 'debugging' },
      usage: { inputTokens: 30, outputTokens: 3, model: 'gpt-5' },
    });
  });

  it('counts AI SDK 5 Anthropic cache reads and writes from provider metadata it holds as counts alone', () => {
    const traceId = hex(16);
    const task = hex(8);
    const v5 = hex(8);
    const v6 = hex(8);
    const metadata = JSON.stringify({
      anthropic: {
        usage: { input_tokens: 100, cache_creation_input_tokens: 20, cache_read_input_tokens: 500 },
        stopSequence: 'PLANTED text',
      },
    });
    const call = (spanId: string, attributes: Record<string, unknown>) =>
      span({
        traceId,
        spanId,
        parentSpanId: task,
        name: 'ai.generateText.doGenerate',
        attributes: {
          'ai.operationId': 'ai.generateText.doGenerate',
          'ai.model.id': 'claude-sonnet-4-5',
          'ai.model.provider': 'anthropic.messages',
          'ai.usage.outputTokens': 10,
          'ai.response.providerMetadata': metadata,
          ...attributes,
        },
      });
    const body = tracesRequest({ 'service.name': 'ts-agent' }, [
      span({ traceId, spanId: task, name: 'fix', attributes: { 'mosaic.task.type': 'debugging' } }),
      // AI SDK 5: input without the cache's 520 tokens, which only the metadata holds.
      call(v5, { 'ai.usage.inputTokens': 100 }),
      // AI SDK 6: input with them (its `noCacheTokens` says so), the metadata not read.
      call(v6, {
        'ai.usage.inputTokens': 620,
        'ai.usage.inputTokenDetails.noCacheTokens': 100,
        'ai.usage.cachedInputTokens': 500,
        'ai.usage.inputTokenDetails.cacheWriteTokens': 20,
      }),
    ]);
    const traces = tracesOf([jsonRequest('traces', body)]);
    const held = traces.flatMap((t) => [...t.records.values()]).filter((r) => r.spanId !== task);
    expect(held).toHaveLength(2);
    for (const record of held) {
      expect(JSON.parse(String(record.attributes['ai.response.providerMetadata']))).toEqual({
        anthropic: { usage: { cache_read_input_tokens: 500, cache_creation_input_tokens: 20 } },
      });
    }
    expect(traceTasksOf(explicitTask, traces)[0]?.draft.usage).toMatchObject({
      inputTokens: 1240,
      outputTokens: 20,
      calls: 2,
    });
  });

  it('treats a type copied from the resource onto every span (Claude Code) as inherited, not a task', () => {
    const tagged = loadCapture('claude', 'run1').map((r) => {
      if (r.signal !== 'traces') return r;
      const body = structuredClone(r.json) as {
        resourceSpans: Array<{
          resource: { attributes: unknown[] };
          scopeSpans: Array<{ spans: Array<{ attributes: unknown[] }> }>;
        }>;
      };
      const kv = { key: 'mosaic.task.type', value: { stringValue: 'testing' } };
      for (const rs of body.resourceSpans) {
        rs.resource.attributes.push(kv);
        for (const ss of rs.scopeSpans) for (const s of ss.spans) s.attributes.push(kv);
      }
      return jsonRequest('traces', body);
    });
    const traces = tracesOf(tagged);
    const records = traces.flatMap((t) => [...t.records.values()]);
    expect(records.some((r) => r.attributes['mosaic.task.type'] === 'testing')).toBe(true);
    expect(records.some(hasOwnTaskType)).toBe(false);
    expect(traceTasksOf(explicitTask, traces)).toEqual([]);
  });
});
