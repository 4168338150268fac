import { describe, expect, it } from 'vitest';
import { SPAN_STATUS_ERROR } from '../../src/model/span-status.js';
import { SPAN_FILTER, TRACE_TASK_READERS } from '../../src/sources/index.js';
import { invokeAgent, isRootAgentSpan } from '../../src/sources/invoke-agent.js';
import { findTraceTasks } from '../../src/tasks/find-trace-tasks.js';
import { hex, span, tracesRequest } from '../support/otlp-json.js';
import { jsonRequest, tracesOf, traceTasksOf } from '../support/source-fixtures.js';

function agentTrace(rootName: string, rootAttributes: Record<string, unknown>) {
  const traceId = hex(16);
  const root = hex(8);
  const now = Date.now();
  return tracesRequest({ 'service.name': 'go-agent' }, [
    span({ traceId, spanId: root, name: rootName, attributes: rootAttributes }),
    ...[1, 2].map((n) =>
      span({
        traceId,
        parentSpanId: root,
        name: 'chat',
        status: n === 2 ? SPAN_STATUS_ERROR : 0,
        endMs: now + n,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'mistral_ai',
          'gen_ai.request.model': 'mistral-large',
          'gen_ai.usage.input_tokens': 10 * n,
          'gen_ai.usage.output_tokens': n,
        },
      }),
    ),
  ]);
}

describe('source: root invoke_agent spans', () => {
  it('declares gen_ai.operation.name, and the decode filter keeps such spans', () => {
    expect(invokeAgent.reads.attributeKeys).toContain('gen_ai.operation.name');
    expect(SPAN_FILTER.isRelevantKey('gen_ai.operation.name')).toBe(true);
  });

  it('makes a root invoke_agent span a task, failed when its last model call failed', () => {
    const traces = tracesOf([
      jsonRequest('traces', agentTrace('agent', { 'gen_ai.operation.name': 'invoke_agent' })),
    ]);
    const tasks = traceTasksOf(invokeAgent, traces);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.draft).toMatchObject({
      source: 'invoke_agent',
      usage: { inputTokens: 30, outputTokens: 3, provider: 'mistral' },
      failed: true,
    });
  });

  it('is asked last: a root span an earlier source claims (Claude Code) is not its task', () => {
    const body = agentTrace('claude_code.interaction', {
      'gen_ai.operation.name': 'invoke_agent',
      'session.id': 's1',
    });
    const [trace] = tracesOf([jsonRequest('traces', body)]);
    if (trace === undefined) throw new Error('no trace');
    const root = [...trace.records.values()].find((r) => r.parentSpanId === undefined);
    expect(root !== undefined && isRootAgentSpan(root)).toBe(true);
    const { tasks } = findTraceTasks(trace, TRACE_TASK_READERS, () => undefined);
    expect(tasks.map((t) => t.draft.source)).toEqual(['claude_code.interaction']);
  });
});
