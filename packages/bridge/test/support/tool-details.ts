import { type CapturedRequest, toProtobuf } from './captures.js';

type KeyValue = { key: string; value: Record<string, unknown> };
type LogRecord = { attributes: KeyValue[] } & Record<string, unknown>;
interface LogsBody {
  resourceLogs: Array<{ scopeLogs: Array<{ logRecords: LogRecord[] }> }>;
}

/** What a CLI's tool records say with its tool details on, per CLI of the captures. */
export const TOOL_DETAILS = {
  /** Claude Code (`OTEL_LOG_TOOL_DETAILS=1`): the captured tool ran `pnpm test`; an Edit of a TypeScript file follows. */
  claude: {
    event: 'tool_result',
    set: { tool_name: 'Bash', tool_input: JSON.stringify({ command: 'pnpm test' }) },
    extra: {
      tool_name: 'Edit',
      tool_use_id: 'toolu_planted_edit',
      tool_input: JSON.stringify({ file_path: '/home/dev/project/src/app.ts' }),
    },
    gates: ['test'],
    language: 'typescript',
  },
  /** Codex (arguments logged by default): the captured command is `pnpm test`; an apply_patch of a Python file follows. */
  codex: {
    event: 'codex.tool_result',
    set: { arguments: JSON.stringify({ cmd: 'pnpm test' }) },
    extra: {
      tool_name: 'apply_patch',
      call_id: 'call_planted_patch',
      arguments: JSON.stringify({
        input: '*** Begin Patch\n*** Update File: src/main.py\n@@\n-a\n+b\n*** End Patch',
      }),
      output: 'Success.',
    },
    gates: ['test'],
    language: 'python',
  },
  /** Gemini CLI (function_args): the captured read_file names a Go file; a `go test` run follows. */
  gemini: {
    event: 'gemini_cli.tool_call',
    set: { function_args: JSON.stringify({ absolute_path: '/home/dev/project/cmd/main.go' }) },
    extra: {
      function_name: 'run_shell_command',
      'event.timestamp': '2099-01-01T00:00:00.000Z',
      function_args: JSON.stringify({ command: 'go test ./...' }),
    },
    gates: ['test'],
    language: 'go',
  },
} as const;

const stringValue = (value: string) => ({ stringValue: value });

function withAttrs(record: LogRecord, attrs: Readonly<Record<string, string>>): LogRecord {
  const kept = record.attributes.filter((a) => !(a.key in attrs));
  const set = Object.entries(attrs).map(([key, value]) => ({ key, value: stringValue(value) }));
  return { ...record, attributes: [...kept, ...set] };
}

/**
 * A capture's requests with its tool records as the CLI sends them with tool details on (see
 * `TOOL_DETAILS`): the captured tool record gains its command or path, and a second tool record
 * (a copy with another tool) follows it. Re-encoded as the CLI sent it.
 */
export function withToolDetails(
  cli: keyof typeof TOOL_DETAILS,
  requests: readonly CapturedRequest[],
): CapturedRequest[] {
  const details = TOOL_DETAILS[cli];
  return requests.map((r) => {
    if (r.signal !== 'logs') return r;
    const body = structuredClone(r.json) as unknown as LogsBody;
    for (const rl of body.resourceLogs) {
      for (const sl of rl.scopeLogs) {
        sl.logRecords = sl.logRecords.flatMap((l) => {
          const name = l.attributes.find((a) => a.key === 'event.name')?.value.stringValue;
          if (name !== details.event) return [l];
          return [withAttrs(l, details.set), withAttrs(l, { ...details.set, ...details.extra })];
        });
      }
    }
    const json = body as unknown as Record<string, unknown>;
    const body2 = r.contentType.includes('protobuf')
      ? toProtobuf(r.signal, json)
      : Buffer.from(JSON.stringify(json));
    return { ...r, json, body: body2 };
  });
}
