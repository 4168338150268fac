import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type sendUnaryData,
  status,
} from '@grpc/grpc-js';
import { parseOtlpBody } from '../decode/parse-otlp-body.js';
import { logger } from '../model/exporter-core.js';
import { SpoolWriteError } from '../spool/spool-write-error.js';
import type { BridgeRuntime } from './bridge-runtime.js';
import { createGrpcAdmission } from './grpc-admission.js';
import { grpcRefusal } from './grpc-status.js';
import { ingestExport } from './handle-export.js';
import { OTLP_GRPC_SERVICES } from './otlp-grpc-services.js';
import type { SignalRoute } from './otlp-signals.js';
import { urlHost } from './url-host.js';

/** A running OTLP/gRPC listener of a bridge. */
export interface OtlpGrpcListener {
  /** `http://host:port` (plaintext gRPC), no trailing slash. */
  readonly url: string;
  /** Stops accepting calls and resolves once the calls in progress are answered. */
  close(): Promise<void>;
  /** Cancels every call still in progress and drops every connection. */
  destroy(): void;
}

/** The Export*ServiceResponse of every record accepted: zero bytes. */
const EMPTY_RESPONSE = Buffer.alloc(0);

/** The Export*ServiceResponse of `route`, with partial success when records were refused. */
function exportResponse(route: SignalRoute, rejected: number, reason: string | undefined): Buffer {
  if (rejected === 0) return EMPTY_RESPONSE;
  const message = {
    partialSuccess: { [route.rejectedField]: rejected, errorMessage: reason ?? '' },
  };
  return Buffer.from(route.response.encode(route.response.fromObject(message)).finish());
}

/** Answers one `Export` call as the OTLP/gRPC spec says; the same decoding as OTLP/HTTP. */
function exportHandler(route: SignalRoute, rt: BridgeRuntime) {
  return (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void => {
    try {
      const refusal = rt.pipeline.refusal;
      if (refusal !== undefined) {
        const retry = rt.limits.retryAfterSeconds;
        callback(grpcRefusal(status.UNAVAILABLE, `${refusal}: retry later`, retry));
        return;
      }
      const parsed = parseOtlpBody(call.request, 'protobuf', route.request);
      if (!parsed.ok) {
        callback(grpcRefusal(status.INVALID_ARGUMENT, parsed.reason));
        return;
      }
      const { rejected, reason, overBudget } = ingestExport(parsed.message, route, rt);
      if (overBudget !== undefined) {
        const code = overBudget.status === 429 ? status.RESOURCE_EXHAUSTED : status.UNAVAILABLE;
        callback(grpcRefusal(code, overBudget.reason, rt.limits.retryAfterSeconds));
        return;
      }
      callback(null, exportResponse(route, rejected, reason));
    } catch (error) {
      logger.error(`an OTLP/gRPC call failed: ${error instanceof Error ? error.name : 'error'}`);
      if (error instanceof SpoolWriteError) {
        callback(grpcRefusal(status.UNAVAILABLE, error.message, rt.limits.retryAfterSeconds));
      } else callback(grpcRefusal(status.INTERNAL, 'internal error'));
    }
  };
}

const bind = (server: Server, address: string): Promise<number> =>
  new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) =>
      error === null ? resolve(port) : reject(error),
    );
  });

/**
 * Serves the OTLP collector services' `Export` methods over plaintext gRPC on `host:port` (0 picks
 * a free port) into `rt`; rejects, leaving nothing listening, when the address cannot be bound.
 */
export async function listenOtlpGrpc(
  rt: BridgeRuntime,
  port: number,
  host: string,
): Promise<OtlpGrpcListener> {
  const server = new Server({
    // grpc-js refuses a larger message, and a gzip one that inflates past it, RESOURCE_EXHAUSTED.
    'grpc.max_receive_message_length': rt.limits.maxBodyBytes,
    interceptors: [createGrpcAdmission(rt)],
  });
  for (const service of OTLP_GRPC_SERVICES) {
    server.addService(service.definition, { Export: exportHandler(service.route, rt) });
  }
  let bound: number;
  try {
    bound = await bind(server, `${urlHost(host)}:${port}`);
  } catch (error) {
    server.forceShutdown();
    const detail = error instanceof Error ? error.message : String(error);
    const why = detail.includes('EADDRINUSE') ? 'is in use' : `could not be bound (${detail})`;
    throw new Error(
      `the OTLP/gRPC address ${urlHost(host)}:${port} ${why}: choose another gRPC port, or none`,
    );
  }
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${bound}`,
    close: () => {
      closed ??= new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      return closed;
    },
    destroy: () => server.forceShutdown(),
  };
}
