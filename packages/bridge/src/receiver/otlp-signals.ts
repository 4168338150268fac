import type { Type } from 'protobufjs';
import { LazyTraceTypes } from '../decode/lazy-trace-types.js';
import { OtlpTypes } from '../decode/otlp-root.js';

/** An OTLP signal the bridge accepts. */
export type OtlpSignal = 'traces' | 'logs' | 'metrics';

/** Per signal: its path, request and response types, and the partial-success field. */
export interface SignalRoute {
  readonly signal: OtlpSignal;
  readonly request: Type;
  readonly response: Type;
  readonly rejectedField: 'rejectedSpans' | 'rejectedLogRecords' | 'rejectedDataPoints';
}

/** OTLP/HTTP paths (https://opentelemetry.io/docs/specs/otlp/#otlphttp-request). */
export const OTLP_ROUTES: ReadonlyMap<string, SignalRoute> = new Map([
  [
    '/v1/traces',
    {
      signal: 'traces',
      request: LazyTraceTypes.request,
      response: OtlpTypes.traceResponse,
      rejectedField: 'rejectedSpans',
    },
  ],
  [
    '/v1/logs',
    {
      signal: 'logs',
      request: OtlpTypes.logsRequest,
      response: OtlpTypes.logsResponse,
      rejectedField: 'rejectedLogRecords',
    },
  ],
  [
    '/v1/metrics',
    {
      signal: 'metrics',
      request: OtlpTypes.metricsRequest,
      response: OtlpTypes.metricsResponse,
      rejectedField: 'rejectedDataPoints',
    },
  ],
]);
