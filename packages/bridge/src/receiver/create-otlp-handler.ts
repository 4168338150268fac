import type { IncomingMessage, ServerResponse } from 'node:http';
import { logger } from '../model/exporter-core.js';
import { SpoolWriteError } from '../spool/spool-write-error.js';
import type { BridgeStats, OtlpHandlerOptions } from '../types.js';
import { type BridgeInternals, type BridgeRuntime, createBridgeRuntime } from './bridge-runtime.js';
import type { OtlpGrpcListener } from './grpc-receiver.js';
import { handleExport } from './handle-export.js';
import { OTLP_ROUTES } from './otlp-signals.js';
import { writeStatus } from './write-otlp-response.js';

/** A request handler that answers the OTLP routes and says whether it did. */
export interface OtlpHandler {
  /** Handles `POST /v1/traces|logs|metrics` and `GET /health`; false for any other request. */
  (req: IncomingMessage, res: ServerResponse): boolean;
  /** Closes every open task and delivers everything; later exports are answered 503. */
  close(): Promise<void>;
  readonly stats: BridgeStats;
  /** Also serves OTLP/gRPC on `host:port` (0 = a free port) into this same bridge. */
  listenGrpc(port: number, host?: string): Promise<OtlpGrpcListener>;
}

/**
 * The bridge's OTLP routes, for mounting on an existing `node:http` server (the devserver embeds
 * it this way): call it first in your handler and carry on when it returns false.
 */
export function createOtlpHandler(
  options: OtlpHandlerOptions = {},
  internals: BridgeInternals = {},
): OtlpHandler {
  return otlpHandlerOf(createBridgeRuntime(options, internals));
}

/** The OTLP routes of one bridge runtime (`startBridge` builds its own, with a spool). */
export function otlpHandlerOf(rt: BridgeRuntime): OtlpHandler {
  const handler = (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = OTLP_ROUTES.get(path);
    if (route === undefined) {
      if (path !== '/health' || req.method !== 'GET') return false;
      const body = JSON.stringify({ status: 'ok', ...rt.stats() });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(body);
      return true;
    }
    if (req.method !== 'POST') {
      rt.counter.refused(405);
      writeStatus(res, 405, 'json', `${path} accepts POST only`, { Allow: 'POST' });
      return true;
    }
    handleExport(req, res, route, rt).catch((error: unknown) => {
      logger.error(`an OTLP request failed: ${error instanceof Error ? error.name : 'error'}`);
      if (error instanceof SpoolWriteError && !res.headersSent) {
        // Not acknowledged, and worth a retry (OTLP senders retry 503, not 500).
        rt.counter.refused(503);
        const retry = { 'Retry-After': String(rt.limits.retryAfterSeconds) };
        writeStatus(res, 503, 'json', error.message, retry);
      } else if (!res.headersSent) {
        rt.counter.refused(500);
        writeStatus(res, 500, 'json', 'internal error');
      } else res.destroy();
    });
    return true;
  };
  return Object.defineProperties(handler, {
    close: {
      value: async () => {
        await rt.pipeline.close();
        rt.spool.close();
      },
    },
    listenGrpc: {
      // grpc-js loads only when a gRPC listener starts: importing the bridge stays light.
      value: async (port: number, host = '127.0.0.1') =>
        (await import('./grpc-receiver.js')).listenOtlpGrpc(rt, port, host),
    },
    stats: { get: () => rt.stats() },
  }) as OtlpHandler;
}
