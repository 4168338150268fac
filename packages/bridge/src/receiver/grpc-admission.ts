import {
  ResponderBuilder,
  ServerInterceptingCall,
  type ServerInterceptor,
  ServerListenerBuilder,
  status,
} from '@grpc/grpc-js';
import type { BridgeRuntime } from './bridge-runtime.js';
import { grpcRefusal, httpStatusOf } from './grpc-status.js';

/** Bytes reserved for a call whose message size is not known yet (OTLP/HTTP's unsized body too). */
const UNSIZED_RESERVE_BYTES = 64 * 1024;

/**
 * A grpc-js interceptor holding OTLP/gRPC calls to the bridge's limits before their message is
 * read: `UNAVAILABLE` while the pipeline refuses records, `RESOURCE_EXHAUSTED` while too many
 * message bytes are in flight (both with `RetryInfo`); it also counts every refusal in `stats`.
 */
export function createGrpcAdmission(rt: BridgeRuntime): ServerInterceptor {
  return (_method, next) => {
    let reserved = 0;
    const release = () => {
      rt.inflightBytes -= reserved;
      reserved = 0;
    };
    const responder = new ResponderBuilder()
      .withSendStatus((answer, send) => {
        release();
        if (answer.code !== status.OK) rt.counter.refused(httpStatusOf(answer.code));
        send(answer);
      })
      .withStart((start) =>
        start(
          new ServerListenerBuilder()
            .withOnReceiveMetadata((metadata, pass) => {
              const refusal = rt.pipeline.refusal;
              const retry = rt.limits.retryAfterSeconds;
              if (refusal !== undefined) {
                call.sendStatus(grpcRefusal(status.UNAVAILABLE, `${refusal}: retry later`, retry));
              } else if (
                rt.inflightBytes + UNSIZED_RESERVE_BYTES >
                rt.limits.maxInflightBodyBytes
              ) {
                const reason = 'too many request messages in flight: retry later';
                call.sendStatus(grpcRefusal(status.RESOURCE_EXHAUSTED, reason, retry));
              } else {
                reserved = UNSIZED_RESERVE_BYTES;
                rt.inflightBytes += reserved;
                pass(metadata);
              }
            })
            .withOnReceiveMessage((message: Buffer, pass) => {
              // Now the size is known: hold what it really takes until the answer is sent.
              const extra = message.length - reserved;
              if (extra > 0 && reserved > 0) {
                rt.inflightBytes += extra;
                reserved += extra;
              }
              pass(message);
            })
            .withOnCancel(release)
            .build(),
        ),
      )
      .build();
    const call = new ServerInterceptingCall(next, responder);
    return call;
  };
}
