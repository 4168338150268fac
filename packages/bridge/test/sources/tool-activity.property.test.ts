import { QualityGate } from '@mosaicstack/telemetry-semconv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogRecordLike } from '../../src/model/log-record-like.js';
import { SOURCES } from '../../src/sources/index.js';

const GATES = new Set<string>(Object.values(QualityGate));

/** Values a CLI (or a broken sender) may put in a tool record's attributes. */
const value = fc.oneof(
  fc.string(),
  fc.json(),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom('true', 'false', 'Bash', 'Edit', 'exec_command', 'apply_patch', 'write_file'),
  fc
    .record({
      command: fc.oneof(fc.string(), fc.array(fc.string()), fc.constantFrom('pnpm test', 'make')),
      cmd: fc.oneof(fc.string(), fc.constant('cargo test && cargo clippy')),
      file_path: fc.oneof(fc.string(), fc.constant('/a/b.ts'), fc.string({ minLength: 5000 })),
      input: fc.oneof(fc.string(), fc.constant('*** Update File: x.go\n')),
    })
    .map((r) => JSON.stringify(r)),
);

const KEYS = [
  'tool_name',
  'function_name',
  'success',
  'tool_input',
  'tool_parameters',
  'arguments',
  'function_args',
  'output',
  'tool_use_id',
  'call_id',
];

const EVENTS = [
  'tool_result',
  'claude_code.tool_result',
  'codex.tool_result',
  'gemini_cli.tool_call',
];

describe('tool records, any shape', () => {
  it('never throw; give only known gates and digest-keyed files', () => {
    const readers = SOURCES.flatMap((s) => {
      const read = s.logReader?.();
      return read === undefined ? [] : [{ read, events: new Set(s.reads.logEvents ?? []) }];
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...EVENTS),
        fc.dictionary(fc.constantFrom(...KEYS), value),
        (eventName, attrs) => {
          const log: LogRecordLike = {
            timeMs: 1_000,
            eventName,
            attributes: {
              ...attrs,
              'session.id': 's',
              'prompt.id': 'p',
              prompt_id: 'p',
              'conversation.id': 'c',
            },
            resourceAttributes: {
              'service.name': eventName === 'tool_result' ? 'claude-code' : 'x',
            },
            traceId: undefined,
            spanId: undefined,
          };
          for (const { read, events } of readers) {
            if (!events.has(eventName)) continue;
            const activity = read(log)?.request?.activity;
            for (const gate of activity?.gateRun?.gates ?? []) expect(GATES.has(gate)).toBe(true);
            for (const file of activity?.files ?? []) {
              expect(file.path).toMatch(/^[0-9a-f]{16}\/[^/\\]+$/);
              expect(file.path.length).toBeLessThan(100);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
