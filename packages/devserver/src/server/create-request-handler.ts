import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleApiGet, isApiGetRoute } from '../api/handle-api-get.js';
import { type ApiRoute, handleApiPost } from '../api/handle-api-post.js';
import { handleEventsBatch } from '../api/handle-events-batch.js';
import { handlePredictionsBatch } from '../api/handle-predictions-batch.js';
import { errorReply, sendJson } from '../api/send-json.js';
import type { ServerContext } from '../api/server-context.js';
import { applyFault } from '../faults/apply-fault.js';
import { isWebAsset, serveWebAsset } from './serve-web-asset.js';

const API_ROUTES: Record<string, ApiRoute> = {
  '/v1/events/batch': handleEventsBatch,
  '/v1/predictions/batch': (body, _instanceId, ctx) => handlePredictionsBatch(body, ctx),
};

async function handle(req: IncomingMessage, res: ServerResponse, ctx: ServerContext) {
  ctx.stats.requests += 1;
  const [path = '/', search = ''] = (req.url ?? '/').split('?', 2);
  const readOnly = req.method === 'GET' || req.method === 'HEAD';
  if (isWebAsset(path) || isApiGetRoute(path)) {
    if (!readOnly) {
      sendJson(
        res,
        errorReply(405, `method ${req.method} not allowed on ${path}`, { Allow: 'GET' }),
      );
    } else if (isWebAsset(path)) {
      serveWebAsset(path, req.method === 'HEAD', res);
    } else {
      handleApiGet(req, res, ctx, path, new URLSearchParams(search));
    }
    return;
  }
  if (path === '/health') {
    if (readOnly) {
      sendJson(res, { status: 200, body: { status: 'ok', events: ctx.store.count() } });
    } else {
      sendJson(
        res,
        errorReply(405, `method ${req.method} not allowed on ${path}`, { Allow: 'GET' }),
      );
    }
    return;
  }
  const route = API_ROUTES[path];
  if (!route) {
    sendJson(res, errorReply(404, `not found: ${path}`));
    return;
  }
  if (req.method !== 'POST') {
    sendJson(
      res,
      errorReply(405, `method ${req.method} not allowed on ${path}`, { Allow: 'POST' }),
    );
    return;
  }
  const fault = ctx.faults.take();
  // A delay holds the request after its body is read, so a client that gives up meanwhile
  // still leaves a request that gets processed: the case a resend must meet the duplicate check.
  if (fault?.kind === 'delay') {
    await handleApiPost(req, res, ctx, route, fault.ms);
    return;
  }
  if (fault) {
    applyFault(fault, req, res);
    return;
  }
  await handleApiPost(req, res, ctx, route);
}

/** The HTTP listener of the dev server: /health, the two v1 routes, the web view, 404 and 405. */
export function createRequestHandler(
  ctx: ServerContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(req, res, ctx).catch((error: unknown) => {
      if (ctx.closing.aborted) return;
      sendJson(res, errorReply(500, `internal error: ${(error as Error).message}`));
    });
  };
}
