import protobuf, { type INamespace } from 'protobufjs';
import { OTLP_DESCRIPTOR } from './otlp-descriptor.js';

const root = protobuf.Root.fromJSON(OTLP_DESCRIPTOR as INamespace);
const collector = 'opentelemetry.proto.collector';

/**
 * The protobufjs message types of OTLP/HTTP requests and answers, from the vendored protos. The
 * receiver decodes traces with `LazyTraceTypes` (spans as bytes, heads first); `traceRequest` is
 * the whole message, for encoding and for checking the lazy decode against it.
 */
export const OtlpTypes = {
  traceRequest: root.lookupType(`${collector}.trace.v1.ExportTraceServiceRequest`),
  traceResponse: root.lookupType(`${collector}.trace.v1.ExportTraceServiceResponse`),
  logsRequest: root.lookupType(`${collector}.logs.v1.ExportLogsServiceRequest`),
  logsResponse: root.lookupType(`${collector}.logs.v1.ExportLogsServiceResponse`),
  metricsRequest: root.lookupType(`${collector}.metrics.v1.ExportMetricsServiceRequest`),
  metricsResponse: root.lookupType(`${collector}.metrics.v1.ExportMetricsServiceResponse`),
  status: root.lookupType('google.rpc.Status'),
} as const;
