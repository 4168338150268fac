import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PredictionQuery } from '@mosaicstack/telemetry-semconv';
import { parseBearerToken } from '../access/parse-bearer-token.js';
import { predictionQueryProblem } from '../predictions/prediction-query-problem.js';
import { answerPrediction } from './handle-predictions-batch.js';
import {
  ParamError,
  readBreakdownBy,
  readPredictionParams,
  readSeriesParams,
  readTaskFilter,
  readTaskQuery,
} from './read-api-params.js';
import { errorReply, type JsonReply, sendJson } from './send-json.js';
import type { ServerContext } from './server-context.js';
import { seriesOf, summaryOf } from './web-view-reads.js';

/** The read-only JSON routes of the web view. */
const ROUTES: Record<string, (params: URLSearchParams, ctx: ServerContext) => JsonReply> = {
  '/api/tasks': (params, ctx) => ({ status: 200, body: ctx.store.tasks(readTaskQuery(params)) }),
  '/api/summary': (params, ctx) => ({
    status: 200,
    body: summaryOf(ctx.store, readTaskFilter(params)),
  }),
  '/api/series': (params, ctx) => ({
    status: 200,
    body: seriesOf(ctx.store, readTaskFilter(params), readSeriesParams(params)),
  }),
  '/api/breakdown': (params, ctx) => {
    const filter = readTaskFilter(params);
    const by = readBreakdownBy(params);
    return {
      status: 200,
      body: { by, ...ctx.store.aggregate((statistics) => statistics.breakdown(filter, by)) },
    };
  },
  '/api/setup': (_params, ctx) => ({
    status: 200,
    // The key only where the CLI prints it too: on loopback, where reads need no key.
    body: { instance_id: ctx.main.instanceId, api_key: ctx.requireAuth ? null : ctx.main.apiKey },
  }),
  '/api/predictions': (params, ctx) => {
    const query = readPredictionParams(params);
    const problem = predictionQueryProblem(query, 'query');
    if (problem) return errorReply(400, problem);
    return { status: 200, body: answerPrediction(query as unknown as PredictionQuery, ctx) };
  },
};

/** Whether `path` is one of the web view's JSON routes. */
export const isApiGetRoute = (path: string): boolean => Object.hasOwn(ROUTES, path);

/**
 * Answers a GET of a JSON route: open on loopback; when the server listens beyond loopback,
 * Bearer auth like the v1 routes (401). A bad parameter is a 400 naming it.
 */
export function handleApiGet(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ServerContext,
  path: string,
  params: URLSearchParams,
): void {
  if (ctx.requireAuth) {
    const token = parseBearerToken(req.headers.authorization);
    if (token === undefined || !ctx.credentials.authenticate(token)) {
      const message = token === undefined ? 'missing Bearer token' : 'unknown API key';
      sendJson(res, errorReply(401, `Authorization: ${message}`, { 'WWW-Authenticate': 'Bearer' }));
      return;
    }
  }
  const route = ROUTES[path] as (typeof ROUTES)[string];
  try {
    sendJson(res, { ...route(params, ctx), headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    if (!(error instanceof ParamError)) throw error;
    sendJson(res, errorReply(400, error.message));
  }
}
