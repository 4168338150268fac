#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolveConfig } from '@mosaicstack/telemetry-exporter/core';
import { DiagConsoleLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { defaultSpoolDir } from './spool/default-spool-dir.js';
import { SpoolOpenError } from './spool/spool-open-error.js';
import { startBridge } from './start-bridge.js';

const NAME = 'mosaic-telemetry-bridge';

const USAGE = `Usage: ${NAME} [options]

Receives OTLP/HTTP and OTLP/gRPC from AI coding CLIs and agents, recognises one task per prompt or turn, and
reports each as a Mosaic task event to the server named by the environment below.

Options:
  --port <n>            OTLP/HTTP port, 0 for a free one (default 4318)
  --grpc-port <n|off>   OTLP/gRPC port, 0 for a free one, off for none (default 4317;
                        a free one when --port is 0)
  --host <addr>         address to listen on (default 127.0.0.1)
  --task-idle-ms <n>    a task seen only through logs closes after this long without a
                        new record (default 30000)
  --spool-dir <dir|off> where accepted tasks wait on disk until delivered, so a restart
                        or crash loses none (default $XDG_STATE_HOME/${NAME}, else
                        ~/.local/state/${NAME}); off keeps them in memory only
  -v, --version         print the version
  -h, --help            show this help

Environment (where task events are delivered; starting the bridge switches delivery on):
  MOSAIC_TELEMETRY_SERVER_URL     the Mosaic Telemetry server, e.g. https://telemetry.example.com
  MOSAIC_TELEMETRY_API_KEY        its API key, 64 hex characters (never printed)
  MOSAIC_TELEMETRY_INSTANCE_ID    the instance id bound to the key (a UUID)
  MOSAIC_TELEMETRY_ENABLED        0/false/no/off switches delivery off
  MOSAIC_TELEMETRY_DRY_RUN        1/true: log each batch (key redacted), send nothing
  MOSAIC_TELEMETRY_ALLOW_INSECURE 1/true: allow plain http to a server beyond loopback
  MOSAIC_TELEMETRY_HARNESS        harness of tasks whose source does not name one
  OTEL_SDK_DISABLED               true switches delivery off too
Without the first three, the bridge still receives and recognises tasks but delivers nothing,
and says so on start.
`;

/** Exit code of a command-line usage error. */
const EXIT_USAGE = 2;

/** Any long hex run, such as an API key pasted into the wrong place, is never echoed. */
const redact = (text: string): string =>
  text.replace(/[0-9a-fA-F]{32,}/g, (hex) => `<${hex.length} hex characters, not shown>`);

/** What a failed listen means, by error code. */
const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the port is taken (pass --port 0 for a free one)',
  EADDRNOTAVAIL: 'not an address of this machine',
  ENOTFOUND: 'no such host name or address',
  EACCES: 'permission denied (ports below 1024 need privileges)',
};

/** The CLI's own output (library code never prints). */
const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${redact(line)}\n`);

function usageError(message: string): never {
  err(`${NAME}: ${message}\n\n${USAGE}`);
  process.exit(EXIT_USAGE);
}

const version = (): string =>
  (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;

/** Reads an integer flag; the value is never echoed (it may be a key pasted into the wrong flag). */
function intOption(value: string | undefined, name: string, min: number, max: number) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    usageError(
      `--${name} must be an integer from ${min} to ${max} (got ${value.length} characters that are not one)`,
    );
  }
  return n;
}

/**
 * The env lines that point each CLI at `url` (from running each CLI against the bridge), and at
 * `grpcUrl` for the CLIs that speak OTLP/gRPC when the gRPC listener is on.
 */
export function envLines(url: string, grpcUrl?: string): string {
  const grpc =
    grpcUrl === undefined
      ? []
      : [
          'Over OTLP/gRPC instead (Gemini CLI and Qwen Code default to it):',
          `  Claude Code: the lines above with OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=${grpcUrl}`,
          `  Codex CLI:   exporter = { otlp-grpc = { endpoint = "${grpcUrl}" } }`,
          `               trace_exporter = { otlp-grpc = { endpoint = "${grpcUrl}" } }`,
          '  Gemini CLI / Qwen Code: GEMINI_TELEMETRY_ENABLED=true GEMINI_TELEMETRY_TARGET=local',
          `    GEMINI_TELEMETRY_OTLP_PROTOCOL=grpc GEMINI_TELEMETRY_OTLP_ENDPOINT=${grpcUrl} GEMINI_TELEMETRY_TRACES_ENABLED=true`,
        ];
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
    `  OTEL_EXPORTER_OTLP_ENDPOINT=${url} OTEL_BSP_SCHEDULE_DELAY=1`,
    'Continue CLI (metrics only: one task per run):',
    `  OTEL_EXPORTER_OTLP_ENDPOINT=${url} OTEL_METRICS_EXPORTER=otlp CONTINUE_METRICS_ENABLED=1`,
    'Kilo Code (exports no token usage: its tasks carry outcome and duration):',
    `  OTEL_EXPORTER_OTLP_ENDPOINT=${url} OTEL_BSP_SCHEDULE_DELAY=1`,
    'Qwen Code (~/.qwen/settings.json):',
    `  "telemetry": { "enabled": true, "target": "local", "otlpEndpoint": "${url}", "otlpProtocol": "http" }`,
    'GitHub Copilot CLI (the last variable: commands and paths, for gates and language):',
    `  COPILOT_OTEL_ENABLED=true OTEL_EXPORTER_OTLP_ENDPOINT=${url}`,
    '  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true',
    'Task fields the CLI cannot know (any of them):',
    '  OTEL_RESOURCE_ATTRIBUTES=mosaic.task.type=implementation,mosaic.task.complexity=medium',
    ...grpc,
  ].join('\n');
}

/**
 * Where recognised tasks go, resolved exactly as the bridge resolves its delivery (env, enabled by
 * default): the server URL and instance id, never the key; or why nothing is delivered.
 */
export function deliveryLines(env: NodeJS.ProcessEnv = process.env): {
  on: boolean;
  lines: string[];
} {
  const config = resolveConfig({ enabled: true }, env);
  if (config.enabled && config.dryRun) {
    return {
      on: false,
      lines: [
        `Delivery: DRY RUN (MOSAIC_TELEMETRY_DRY_RUN): each batch for ${config.serverUrl} is logged with the key redacted; nothing is sent.`,
      ],
    };
  }
  if (config.enabled) {
    return {
      on: true,
      lines: [
        `Delivering task events to ${config.serverUrl} (instance ${config.instanceId}; key from MOSAIC_TELEMETRY_API_KEY)`,
      ],
    };
  }
  const why = config.switchedOn
    ? config.problems.map((problem) => `  - ${problem}`)
    : [
        env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true'
          ? '  - switched off by OTEL_SDK_DISABLED=true'
          : `  - switched off by MOSAIC_TELEMETRY_ENABLED=${env.MOSAIC_TELEMETRY_ENABLED ?? ''}`,
      ];
  return {
    on: false,
    lines: [
      '*** DELIVERY IS OFF: tasks are received and recognised, but no event leaves this bridge. ***',
      ...why,
      `  Set the variables (see ${NAME} --help) and restart.`,
    ],
  };
}

async function main(): Promise<void> {
  // Delivery failures show on the terminal.
  diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'grpc-port': { type: 'string' },
        host: { type: 'string' },
        'task-idle-ms': { type: 'string' },
        'spool-dir': { type: 'string' },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    usageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) {
    out(USAGE);
    return;
  }
  if (values.version === true) {
    out(version());
    return;
  }
  const port = intOption(values.port as string | undefined, 'port', 0, 65_535);
  const taskIdleMs = intOption(
    values['task-idle-ms'] as string | undefined,
    'task-idle-ms',
    1,
    2_147_483_647,
  );
  const grpcFlag = values['grpc-port'] as string | undefined;
  const grpcPort = grpcFlag === 'off' ? false : intOption(grpcFlag, 'grpc-port', 0, 65_535);
  const host = values.host as string | undefined;
  if (host === '') usageError('--host must not be empty');
  const spoolFlag = values['spool-dir'] as string | undefined;
  if (spoolFlag === '') usageError('--spool-dir must be a folder, or off');
  const spoolDir = spoolFlag === 'off' ? false : (spoolFlag ?? defaultSpoolDir());
  const delivery = deliveryLines();
  let bridge: Awaited<ReturnType<typeof startBridge>>;
  try {
    bridge = await startBridge({
      ...(port === undefined ? {} : { port }),
      ...(grpcPort === undefined ? {} : { grpcPort }),
      ...(host === undefined ? {} : { host }),
      ...(taskIdleMs === undefined ? {} : { taskIdleMs }),
      spoolDir,
    });
  } catch (error) {
    if (error instanceof SpoolOpenError) {
      err(`${NAME}: ${error.message} (pass --spool-dir DIR for another folder, or off)`);
      process.exit(1);
    }
    const code = (error as NodeJS.ErrnoException).code ?? '';
    // The host is not echoed: it may be a key pasted into the wrong flag.
    err(
      `${NAME}: could not listen on port ${port ?? 4318} (or the gRPC port) of the --host address (${(host ?? '127.0.0.1').length} characters): ${LISTEN_ERRORS[code] ?? (error as Error).message}`,
    );
    process.exit(1);
  }
  out(`${NAME} listening on ${bridge.url} (OTLP/HTTP: /v1/traces, /v1/logs, /v1/metrics)`);
  if (bridge.grpcUrl !== undefined) {
    out(
      `${NAME} listening on ${bridge.grpcUrl} (OTLP/gRPC: TraceService, LogsService, MetricsService)`,
    );
  }
  for (const line of delivery.lines) out(line);
  const spool = bridge.stats.spool;
  out(
    spool === undefined
      ? 'Spool: off (--spool-dir off): accepted tasks live in memory only and die with the process'
      : redact(
          `Spool: ${spool.dir} (${spool.bytes} of ${spool.maxBytes} bytes used; ${spool.openTasks} open tasks and ${spool.undeliveredEvents} undelivered events resumed)`,
        ),
  );
  if (!delivery.on) err(`${NAME}: warning: ${delivery.lines[0]?.replace(/^\*+ | \*+$/g, '')}`);
  out('');
  out(envLines(bridge.url, bridge.grpcUrl));
  // A wrapper (pnpm, npm exec) relays the terminal's Ctrl-C, so the signal can come twice: a
  // repeat while closing is ignored, so the open tasks are still delivered and the exit code is 0.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void bridge.close().then(() => {
      // What a restart on the same folder goes on with (tasks still open, events undelivered).
      const kept = bridge.stats.spool;
      if (kept !== undefined && kept.openTasks + kept.undeliveredEvents > 0) {
        out(
          redact(
            `Spool: ${kept.openTasks} open tasks and ${kept.undeliveredEvents} undelivered events kept in ${kept.dir} for the next start`,
          ),
        );
      }
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  err(`${NAME}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
