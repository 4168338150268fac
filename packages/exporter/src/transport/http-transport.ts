// transport/: one JSON POST with retries; knows HTTP (statuses, backoff, deadlines), not spans.
import http from 'node:http';
import https from 'node:https';
import { withTracingSuppressed } from '../otel/suppress-tracing.js';
import { BodyBufferPool } from './body-buffer-pool.js';
import { isRetryableRequestError, isRetryableStatus } from './is-retryable.js';
import { parseRetryAfter } from './parse-retry-after.js';

/** Outcome of one request: never a throw. */
export type TransportResult =
  | { readonly status: 'success'; readonly statusCode: number; readonly body: string }
  | {
      readonly status: 'failure';
      readonly statusCode?: number;
      readonly body?: string;
      readonly error: Error;
    }
  | {
      readonly status: 'retryable';
      readonly statusCode?: number;
      readonly retryAfterMs?: number;
      readonly error: Error;
    };

/** Sends one JSON POST to the server. */
export interface Transport {
  /**
   * POSTs `body` to `path`. Aborting `signal` ends the request (and any retries) at once, with a
   * `retryable` result: the caller decides what becomes of the body.
   */
  send(path: string, body: string, signal?: AbortSignal): Promise<TransportResult>;
  /** Closes idle keep-alive sockets. */
  close(): void;
}

export interface HttpTransportOptions {
  readonly serverUrl: string;
  readonly apiKey: string;
  readonly userAgent: string;
  /** Timeout of one request in ms. */
  readonly timeoutMs: number;
}

/** Most bytes of a response body we read; a v1 answer to 100 events is far smaller. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Body buffers kept for reuse: one per request the exporter has in flight at a time. */
const POOLED_BODIES = 2;
/** Size of a pooled body buffer: a batch of 100 typical events is about 80 KB. */
const POOLED_BODY_BYTES = 128 * 1024;

/**
 * A transport over node's http(s) with a keep-alive agent (cheaper per request than `fetch`).
 * Requests run with tracing suppressed so the host's http instrumentation records no spans.
 */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const base = new URL(options.serverUrl);
  const secure = base.protocol === 'https:';
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 4 })
    : new http.Agent({ keepAlive: true, maxSockets: 4 });
  const request = secure ? https.request : http.request;
  const basePath = base.pathname.replace(/\/+$/, '');
  const hostname = base.hostname.replace(/^\[|\]$/g, '');
  const { timeoutMs } = options;
  const bodies = new BodyBufferPool(POOLED_BODIES, POOLED_BODY_BYTES);
  // Headers as a raw list, as node's rawHeaders: node then stores them as given, without the
  // per-request setHeader validation (the values are fixed here: a URL's host, a 64-hex key, our
  // User-Agent) and without adding Host itself.
  const headers = [
    'Host',
    base.host,
    'Authorization',
    `Bearer ${options.apiKey}`,
    'Content-Type',
    'application/json',
    'User-Agent',
    options.userAgent,
    'Accept',
    'application/json',
    'Content-Length',
    '',
  ];
  const headersFor = (length: number) => {
    const list = headers.slice();
    list[list.length - 1] = String(length);
    return list;
  };

  function send(path: string, body: string, signal?: AbortSignal): Promise<TransportResult> {
    if (signal?.aborted) return Promise.resolve(aborted());
    return new Promise<TransportResult>((resolve) => {
      let settled = false;
      // Settles first, then tears down: a destroyed socket fires 'error' and 'aborted' events that
      // must not turn a decided failure into another (retryable) one.
      const finish = (result: TransportResult, destroy = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
        if (destroy) req.destroy();
      };
      const onAbort = () => finish(aborted(), true);
      const { buffer, length } = bodies.encode(body);
      const req = withTracingSuppressed(() =>
        request({
          protocol: base.protocol,
          hostname,
          port: base.port,
          path: `${basePath}${path}`,
          method: 'POST',
          agent,
          headers: headersFor(length),
        }),
      );
      // 'finish': the body has been handed to the socket in full, so the buffer can serve the next
      // request. A request that fails before that keeps it (the GC takes it).
      req.once('finish', () => bodies.release(buffer));
      const timer = setTimeout(
        () =>
          finish(
            { status: 'retryable', error: new Error(`request timed out after ${timeoutMs} ms`) },
            true,
          ),
        timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error: NodeJS.ErrnoException) => {
        finish(
          isRetryableRequestError(error.code)
            ? { status: 'retryable', error }
            : { status: 'failure', error },
        );
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            finish(
              {
                status: 'failure',
                statusCode: res.statusCode ?? 0,
                error: new Error(`response body over ${MAX_RESPONSE_BYTES} bytes`),
              },
              true,
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => finish({ status: 'retryable', error }));
        res.on('aborted', () =>
          finish({ status: 'retryable', error: new Error('response aborted') }),
        );
        res.on('end', () => finish(resultOf(res, Buffer.concat(chunks).toString('utf8'))));
      });
      req.end(buffer.subarray(0, length));
    });
  }

  return {
    send,
    close: () => {
      agent.destroy();
      bodies.clear();
    },
  };
}

function aborted(): TransportResult {
  return { status: 'retryable', error: new Error('request abandoned at the flush deadline') };
}

function resultOf(res: http.IncomingMessage, text: string): TransportResult {
  const code = res.statusCode ?? 0;
  if (code >= 200 && code < 300) return { status: 'success', statusCode: code, body: text };
  const error = new Error(`server answered ${code}${summary(text)}`);
  if (isRetryableStatus(code)) {
    const header = res.headers['retry-after'];
    const retryAfterMs = parseRetryAfter(Array.isArray(header) ? header[0] : header);
    return {
      status: 'retryable',
      statusCode: code,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      error,
    };
  }
  return { status: 'failure', statusCode: code, body: text, error };
}

function summary(body: string): string {
  const text = body.trim().slice(0, 200);
  return text === '' ? '' : `: ${text}`;
}
