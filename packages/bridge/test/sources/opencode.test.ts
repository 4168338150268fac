import { describe, expect, it } from 'vitest';
import { SPAN_FILTER } from '../../src/sources/index.js';
import { openCode } from '../../src/sources/opencode.js';
import { loadCapture } from '../support/captures.js';
import { tracesOf, traceTasksOf } from '../support/source-fixtures.js';

describe('source: OpenCode', () => {
  it('declares its prompt span and the AI SDK call spans, and reads no logs', () => {
    expect(openCode.reads.spanNames).toEqual(['SessionPrompt.prompt']);
    expect(openCode.reads.spanNamePrefixes).toEqual(['ai.']);
    expect(openCode.logReader).toBeUndefined();
    expect(SPAN_FILTER.isRelevantName('ai.streamText.doStream')).toBe(true);
    expect(SPAN_FILTER.isRelevantName('SessionPrompt.prompt')).toBe(true);
  });

  it('finds one task per prompt span, the title request included, from a captured session', () => {
    const tasks = traceTasksOf(openCode, tracesOf(loadCapture('opencode', 'run2-fastflush')));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.draft).toMatchObject({
      source: 'SessionPrompt.prompt',
      usage: { inputTokens: 88 + 2101 + 2302, outputTokens: 7 + 61 + 29 },
      failed: false,
    });
  });

  it('marks a prompt whose last call span is ERROR as failed (the prompt span stays OK)', () => {
    const tasks = traceTasksOf(openCode, tracesOf(loadCapture('opencode', 'run4-errors')));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.draft.failed).toBe(true);
    expect(tasks[0]?.draft.usage).toMatchObject({ inputTokens: 88 + 2101, outputTokens: 7 + 61 });
  });
});
