import { isLoopbackHost } from './is-loopback-host.js';

/** The port of an `http://host[:port]` URL. */
const portOf = (url: string): string => new URL(url).port || '80';

/** What the CLI knows once the server listens. */
export interface BannerFacts {
  host: string;
  url: string;
  webUrl: string;
  apiKey: string;
  instanceId: string;
  dbPath: string;
  rateLimited: boolean;
  /** The embedded bridge's OTLP/gRPC listener (`http://host:port`); undefined when it has none. */
  otlpGrpcUrl?: string | undefined;
  /** Why there is no OTLP/gRPC listener, when there is none. @example 'off (--otlp-grpc-port off)' */
  otlpGrpcOff?: string;
}

/**
 * The CLI's start-up text: where it listens, the web view, and the lines to paste into the
 * environment. Beyond loopback the key is never printed (anyone on the network could read a
 * terminal log or a CI output) and `warning` says so.
 */
export function startupBanner(facts: BannerFacts): { text: string; warning?: string } {
  const exposed = !isLoopbackHost(facts.host);
  const key = exposed
    ? '<not printed: listening beyond loopback; pass --api-key to choose it>'
    : facts.apiKey;
  const grpc =
    facts.otlpGrpcUrl === undefined
      ? `gRPC ${facts.otlpGrpcOff ?? 'off'}`
      : `gRPC on port ${portOf(facts.otlpGrpcUrl)} (${facts.otlpGrpcUrl})`;
  const grpcLines =
    facts.otlpGrpcUrl === undefined
      ? ''
      : `Over OTLP/gRPC (Gemini CLI and Qwen Code send it to port 4317 unless told otherwise):
OTEL_EXPORTER_OTLP_ENDPOINT=${facts.otlpGrpcUrl}
OTEL_EXPORTER_OTLP_PROTOCOL=grpc
`;
  const text = `Mosaic Telemetry dev server listening on ${facts.url}
  Web view:    ${facts.webUrl}
  OTLP in:     HTTP on port ${portOf(facts.url)} (/v1/traces, /v1/logs, /v1/metrics), ${grpc}
  API key:     ${key}
  Instance id: ${facts.instanceId}
  Database:    ${facts.dbPath}
  Rate limit:  ${facts.rateLimited ? 'on (per key)' : 'off'}

Paste into your environment:
MOSAIC_TELEMETRY_ENABLED=1
MOSAIC_TELEMETRY_SERVER_URL=${facts.url}
MOSAIC_TELEMETRY_API_KEY=${key}
MOSAIC_TELEMETRY_INSTANCE_ID=${facts.instanceId}

AI coding CLIs and other OTLP senders (tasks are recognised and stored here):
OTEL_EXPORTER_OTLP_ENDPOINT=${facts.url}
OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
${grpcLines}
Open the web view: ${facts.webUrl}
`;
  if (!exposed) return { text };
  return {
    text,
    warning: `warning: listening on ${facts.host}, beyond loopback: anyone who can reach it can send events with the key; the web view's data routes need the key too. Prefer --host 127.0.0.1.`,
  };
}
