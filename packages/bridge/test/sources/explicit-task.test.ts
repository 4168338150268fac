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
