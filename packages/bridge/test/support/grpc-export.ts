import { Client, credentials, type Metadata, status } from '@grpc/grpc-js';
import protobuf from 'protobufjs';

/** The OTLP/gRPC `Export` method of each signal. */
export const EXPORT_PATHS = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
} as const;

/** How a unary call ended: its status, and the response bytes or the trailers. */
export interface GrpcAnswer {
  readonly code: status;
  readonly details: string;
  readonly response?: Buffer;
  readonly trailers?: Metadata;
}

/** A plain grpc-js client of `url` (`http://host:port`), gzip-compressing its messages if asked. */
export function grpcClient(url: string, options: { gzip?: boolean } = {}): Client {
  const target = url.replace(/^http:\/\//, '');
  // 2 is gzip in grpc-js' compression algorithm enum.
  return new Client(
    target,
    credentials.createInsecure(),
    options.gzip === true ? { 'grpc.default_compression_algorithm': 2 } : {},
  );
}

/** One unary call of raw protobuf bytes; never rejects. */
export function callRaw(client: Client, path: string, body: Buffer): Promise<GrpcAnswer> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      (error, response) => {
        if (error) resolve({ code: error.code, details: error.details, trailers: error.metadata });
        else resolve({ code: status.OK, details: '', response: response as Buffer });
      },
    );
  });
}

// google.rpc.Status with details, google.protobuf.Any and google.rpc.RetryInfo, decoded here
// independently of the bridge's encoder.
const root = protobuf.Root.fromJSON({
  nested: {
    Status: {
      fields: {
        code: { type: 'int32', id: 1 },
        message: { type: 'string', id: 2 },
        details: { rule: 'repeated', type: 'Any', id: 3 },
      },
    },
    Any: { fields: { typeUrl: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
    RetryInfo: { fields: { retryDelay: { type: 'Duration', id: 1 } } },
    Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
  },
});

/** The status details a refusal carries in `grpc-status-details-bin`, with its retry delay. */
export function statusDetails(
  trailers: Metadata | undefined,
): { code: number; message: string; retryDelaySeconds?: number } | undefined {
  const bin = trailers?.get('grpc-status-details-bin')[0];
  if (!(bin instanceof Buffer)) return undefined;
  const st = root.lookupType('Status');
  const decoded = st.toObject(st.decode(bin), { longs: Number }) as {
    code: number;
    message: string;
    details?: { typeUrl: string; value: Uint8Array }[];
  };
  const info = decoded.details?.find(
    (d) => d.typeUrl === 'type.googleapis.com/google.rpc.RetryInfo',
  );
  if (info === undefined) return { code: decoded.code, message: decoded.message };
  const ri = root.lookupType('RetryInfo');
  const retry = ri.toObject(ri.decode(info.value), { longs: Number }) as {
    retryDelay?: { seconds?: number };
  };
  return {
    code: decoded.code,
    message: decoded.message,
    retryDelaySeconds: retry.retryDelay?.seconds ?? 0,
  };
}

/** Listening TCP servers of this process (HTTP and gRPC listeners alike). */
export const listeningServers = (): number =>
  process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
