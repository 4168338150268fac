import { type DevServer, startDevServer } from '@mosaicstack/telemetry-devserver';
import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import type { BridgeInternals } from '../../src/receiver/bridge-runtime.js';
import { startBridge } from '../../src/start-bridge.js';
import type { Bridge, BridgeOptions } from '../../src/types.js';
import type { CapturedRequest } from './captures.js';
import { postOtlp } from './post-otlp.js';

/** A bridge on a free loopback port delivering to a real devserver (SQLite in memory). */
export interface BridgeLoop {
  readonly bridge: Bridge;
  readonly devserver: DevServer;
  /** Sends captured requests in order; returns the HTTP statuses. */
  send(requests: readonly CapturedRequest[], options?: { gzip?: boolean }): Promise<number[]>;
  /** Closes the bridge (delivering every open task), then returns the stored events. */
  finish(): Promise<TaskCompletionEvent[]>;
  close(): Promise<void>;
}

export async function startBridgeLoop(
  options: BridgeOptions = {},
  internals: BridgeInternals = {},
): Promise<BridgeLoop> {
  const devserver = await startDevServer({ rateLimit: false });
  const bridge = await startBridge(
    {
      port: 0,
      ...options,
      telemetry: {
        serverUrl: devserver.url,
        apiKey: devserver.apiKey,
        instanceId: devserver.instanceId,
        ...options.telemetry,
      },
    },
    internals,
  );
  return {
    bridge,
    devserver,
    async send(requests, sendOptions = {}) {
      const statuses: number[] = [];
      for (const r of requests) {
        const answer = await postOtlp(bridge.url, `/v1/${r.signal}`, r.body, {
          contentType: r.contentType,
          gzip: sendOptions.gzip === true,
        });
        statuses.push(answer.status);
      }
      return statuses;
    },
    async finish() {
      await bridge.close();
      return devserver.listEvents();
    },
    async close() {
      await bridge.close();
      await devserver.close();
    },
  };
}
