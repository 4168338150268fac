import { Metadata, type StatusObject, status } from '@grpc/grpc-js';
import protobuf from 'protobufjs';

/**
 * `google.rpc.Status` with its `details`, and the `RetryInfo` detail (google/rpc/status.proto,
 * google/rpc/error_details.proto, google/protobuf/any.proto and duration.proto, Apache-2.0).
 */
const root = protobuf.Root.fromJSON({
  nested: {
    google: {
      nested: {
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
            RetryInfo: { fields: { retryDelay: { type: 'google.protobuf.Duration', id: 1 } } },
          },
        },
        protobuf: {
          nested: {
            Any: {
              fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } },
            },
            Duration: {
              fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } },
            },
          },
        },
      },
    },
  },
});
const StatusType = root.lookupType('google.rpc.Status');
const RetryInfoType = root.lookupType('google.rpc.RetryInfo');
const RETRY_INFO_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/** The trailer in which a gRPC server sends the whole `google.rpc.Status`. */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/** An error answer of an OTLP/gRPC call: a status code and a message that quotes no input. */
export type GrpcRefusal = Pick<StatusObject, 'code' | 'details' | 'metadata'>;

/**
 * A refusal; with `retryAfterSeconds`, the `RetryInfo` the OTLP spec asks for on retryable errors
 * (https://opentelemetry.io/docs/specs/otlp/#otlpgrpc-throttling), in `grpc-status-details-bin`.
 */
export function grpcRefusal(
  code: status,
  message: string,
  retryAfterSeconds?: number,
): GrpcRefusal {
  const metadata = new Metadata();
  if (retryAfterSeconds !== undefined) {
    const retryInfo = RetryInfoType.encode(
      RetryInfoType.fromObject({ retryDelay: { seconds: retryAfterSeconds } }),
    ).finish();
    const details = StatusType.encode(
      StatusType.fromObject({
        code,
        message,
        details: [{ type_url: RETRY_INFO_URL, value: retryInfo }],
      }),
    ).finish();
    metadata.set(STATUS_DETAILS_KEY, Buffer.from(details));
  }
  return { code, details: message, metadata };
}

/**
 * The HTTP status an OTLP/HTTP request refused for the same reason gets, so `stats.requestsRefused`
 * has one meaning whichever transport carried the export.
 */
export function httpStatusOf(code: status): number {
  switch (code) {
    case status.INVALID_ARGUMENT:
      return 400;
    case status.RESOURCE_EXHAUSTED:
      return 429;
    case status.UNAVAILABLE:
      return 503;
    default:
      return 500;
  }
}
