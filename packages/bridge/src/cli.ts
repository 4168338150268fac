#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { DiagConsoleLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { startBridge } from './start-bridge.js';

/** The CLI's own output (library code never prints). */
const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function usage(): string {
  return 'usage: mosaic-telemetry-bridge [--port 4318] [--host 127.0.0.1] [--task-idle-ms 30000]';
}

function intOption(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    err(`--${name} must be an integer >= ${min}, got ${JSON.stringify(value)}\n${usage()}`);
    process.exit(2);
  }
  return n;
}

/** The env lines that point each CLI at `url` (from running each CLI against the bridge). */
export function envLines(url: string): string {
  return [
    'Claude Code:',
    '  CLAUDE_CODE_ENABLE_TELEMETRY=1 CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1',
    '  OTEL_TRACES_EXPORTER=otlp OTEL_LOGS_EXPORTER=otlp OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf',
    `  OTEL_EXPORTER_OTLP_ENDPOINT=${url}`,
    'Codex CLI ($CODEX_HOME/config.toml):',
    `  [otel]\n  exporter = { otlp-http = { endpoint = "${url}/v1/logs", protocol = "binary" } }`,
    `  trace_exporter = { otlp-http = { endpoint = "${url}/v1/traces", protocol = "binary" } }`,
    'Gemini CLI:',
    '  GEMINI_TELEMETRY_ENABLED=true GEMINI_TELEMETRY_TARGET=local GEMINI_TELEMETRY_OTLP_PROTOCOL=http',
    `  GEMINI_TELEMETRY_OTLP_ENDPOINT=${url} GEMINI_TELEMETRY_TRACES_ENABLED=true`,
    'OpenCode (opencode.json: "experimental": { "openTelemetry": true }):',
    `  OTEL_EXPORTER_OTLP_ENDPOINT=${url} OTEL_BSP_SCHEDULE_DELAY=20`,
    'Task fields the CLI cannot know (any of them):',
    '  OTEL_RESOURCE_ATTRIBUTES=mosaic.task.type=implementation,mosaic.task.complexity=medium',
  ].join('\n');
}

async function main(): Promise<void> {
  // Config problems (no server URL, bad key) and delivery failures show on the terminal.
  diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'task-idle-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    err(`${error instanceof Error ? error.message : String(error)}\n${usage()}`);
    process.exit(2);
  }
  if (values.help === true) {
    out(usage());
    return;
  }
  const port = intOption(values.port as string | undefined, 'port', 0);
  const taskIdleMs = intOption(values['task-idle-ms'] as string | undefined, 'task-idle-ms', 1);
  const host = values.host as string | undefined;
  const bridge = await startBridge({
    ...(port === undefined ? {} : { port }),
    ...(host === undefined ? {} : { host }),
    ...(taskIdleMs === undefined ? {} : { taskIdleMs }),
  });
  out(
    `mosaic-telemetry-bridge listening on ${bridge.url} (OTLP/HTTP: /v1/traces, /v1/logs, /v1/metrics)`,
  );
  out(envLines(bridge.url));
  const stop = () => {
    void bridge.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  err(`mosaic-telemetry-bridge: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
