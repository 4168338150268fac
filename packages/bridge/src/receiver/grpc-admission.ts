import {
  ResponderBuilder,
  ServerInterceptingCall,
  type ServerInterceptor,
  ServerListenerBuilder,
  status,
} from '@grpc/grpc-js';
import type { BridgeRuntime } from './bridge-runtime.js';
import { grpcRefusal, httpStatusOf } from './grpc-status.js';
import { INFLIGHT_REASONS, type InflightRefusal } from './inflight-budget.js';

/** The address of a grpc-js peer (`host:port`, `[v6]:port`), without its port. */
export function peerAddress(peer: string): string {
  const at = peer.lastIndexOf(':');
  const host = at > 0 ? peer.slice(0, at) : peer;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * A grpc-js interceptor holding OTLP/gRPC calls to the bridge's limits: when the call's headers
 * arrive, `UNAVAILABLE` while the pipeline refuses records and `RESOURCE_EXHAUSTED` while the
 * in-flight bytes are full, in all or from the caller's address; when its message has arrived,
 * `RESOURCE_EXHAUSTED` if its size does not fit (all with `RetryInfo`). A call holds its message's
 * bytes until it is answered, and nothing before (a call whose message never comes holds none).
 * It also counts every refusal in `stats`.
 */
export function createGrpcAdmission(rt: BridgeRuntime): ServerInterceptor {
  return (_method, next) => {
    let reserved = 0;
    let client = '';
    const release = () => {
      rt.inflight.give(client, reserved);
      reserved = 0;
    };
    const refuseInflight = (which: InflightRefusal) => {
      rt.counter.refusedForBudget(which === 'total' ? 'inflightBytes' : 'clientShare');
      const retry = rt.limits.retryAfterSeconds;
      call.sendStatus(grpcRefusal(status.RESOURCE_EXHAUSTED, INFLIGHT_REASONS[which], retry));
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
              client = peerAddress(call.getPeer());
              const refusal = rt.pipeline.refusal;
              if (refusal !== undefined) {
                const retry = rt.limits.retryAfterSeconds;
                call.sendStatus(grpcRefusal(status.UNAVAILABLE, `${refusal}: retry later`, retry));
                return;
              }
              const full = rt.inflight.admits(client);
              if (full !== undefined) return refuseInflight(full);
              pass(metadata);
            })
            .withOnReceiveMessage((message: Buffer, pass) => {
              // Now the size is known: hold what it really takes until the answer is sent.
              const full = rt.inflight.take(client, message.length);
              if (full !== undefined) return refuseInflight(full);
              reserved = message.length;
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
