import type { ServiceDefinition } from '@grpc/grpc-js';
import { OTLP_ROUTES, type OtlpSignal, type SignalRoute } from './otlp-signals.js';

/** One OTLP/gRPC service: its definition for grpc-js and the signal route its `Export` feeds. */
export interface OtlpGrpcService {
  readonly definition: ServiceDefinition;
  readonly route: SignalRoute;
}

/** Bytes in, bytes out: messages are decoded by the bridge's own protobuf types, as over HTTP. */
const passthrough = (bytes: Buffer): Buffer => bytes;

const SERVICES: ReadonlyArray<readonly [OtlpSignal, string, string]> = [
  ['traces', 'opentelemetry.proto.collector.trace.v1.TraceService', '/v1/traces'],
  ['logs', 'opentelemetry.proto.collector.logs.v1.LogsService', '/v1/logs'],
  ['metrics', 'opentelemetry.proto.collector.metrics.v1.MetricsService', '/v1/metrics'],
];

/**
 * The `Export` methods of the OTLP collector services
 * (https://opentelemetry.io/docs/specs/otlp/#otlpgrpc), each on the route of its signal.
 */
export const OTLP_GRPC_SERVICES: readonly OtlpGrpcService[] = SERVICES.map(
  ([signal, service, path]) => {
    const route = OTLP_ROUTES.get(path);
    if (route?.signal !== signal) throw new Error(`no OTLP route for ${signal}`);
    return {
      route,
      definition: {
        Export: {
          path: `/${service}/Export`,
          requestStream: false,
          responseStream: false,
          requestSerialize: passthrough,
          requestDeserialize: passthrough,
          responseSerialize: passthrough,
          responseDeserialize: passthrough,
        },
      },
    };
  },
);
