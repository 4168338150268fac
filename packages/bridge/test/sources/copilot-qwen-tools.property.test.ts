import { QualityGate } from '@mosaicstack/telemetry-semconv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../../src/model/exporter-core.js';
import type { TaskActivity } from '../../src/model/task-activity.js';
import { copilotToolActivity } from '../../src/sources/copilot-tools.js';
import { readQwenLog } from '../../src/sources/qwen-code.js';

const GATES = new Set<string>(Object.values(QualityGate));

/** Values a CLI (or a broken sender) may put in a tool record's attributes. */
const value = fc.oneof(
  fc.string(),
  fc.json(),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    'bash',
    'view',
    'edit',
    'create',
    'run_shell_command',
    'read_file',
    'execute_tool',
  ),
  fc
    .record({
      command: fc.oneof(fc.string(), fc.array(fc.string()), fc.constantFrom('pnpm test', 'make')),
      path: fc.oneof(fc.string(), fc.constant('/a/b.ts'), fc.string({ minLength: 5000 })),
      file_path: fc.oneof(fc.string(), fc.constant('/a/b.py')),
    })
    .map((r) => JSON.stringify(r)),
);

/** Only known gates, and files as a digest plus a short language key, never a path. */
function expectReduced(activity: TaskActivity | undefined): void {
  for (const gate of activity?.gateRun?.gates ?? []) expect(GATES.has(gate)).toBe(true);
  for (const file of activity?.files ?? []) {
    expect(file.path).toMatch(/^[0-9a-f]{16}\/[^/\\]+$/);
    expect(file.path.length).toBeLessThan(100);
  }
}

describe('Copilot CLI execute_tool spans and Qwen Code tool_call logs, any shape', () => {
  it('never throw; give only known gates and digest-keyed files', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(
            'gen_ai.operation.name',
            'gen_ai.tool.name',
            'gen_ai.tool.call.id',
            'gen_ai.tool.call.arguments',
            'github.copilot.tool.parameters.command',
            'github.copilot.tool.parameters.file_path',
            'process.exit.code',
          ),
          value,
        ),
        fc.dictionary(
          fc.constantFrom(
            'function_name',
            'function_args',
            'success',
            'event.timestamp',
            'status_code',
          ),
          value,
        ),
        fc.integer({ min: 0, max: 2 }),
        (spanAttrs, logAttrs, statusCode) => {
          const span: SpanRecord = {
            traceId: 'a'.repeat(32),
            spanId: 'b'.repeat(16),
            parentSpanId: undefined,
            name: 'execute_tool',
            kind: 0,
            startTimeMs: 1,
            endTimeMs: 2,
            statusCode,
            attributes: { 'gen_ai.operation.name': 'execute_tool', ...spanAttrs },
            resourceAttributes: { 'service.name': 'github-copilot' },
            scopeName: undefined,
          };
          expectReduced(copilotToolActivity(span));
          const read = readQwenLog({
            timeMs: 1_000,
            eventName: 'qwen-code.tool_call',
            attributes: { ...logAttrs, 'session.id': 's', prompt_id: 'p' },
            resourceAttributes: { 'service.name': 'qwen-code' },
            traceId: undefined,
            spanId: undefined,
          });
          expectReduced(read?.activity);
        },
      ),
      { numRuns: 500 },
    );
  });
});
