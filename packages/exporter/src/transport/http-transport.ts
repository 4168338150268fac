import http from 'node:http';
import https from 'node:https';
import { withTracingSuppressed } from '../otel/suppress-tracing.js';
import { BodyBufferPool } from './body-buffer-pool.js';
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
  /** `deadline` (epoch ms) bounds retries of a retrying transport; a plain one ignores it. */
  send(path: string, body: string, timeoutMs: number, deadline?: number): Promise<TransportResult>;
  /** Closes idle keep-alive sockets. */
  close(): void;
}

export interface HttpTransportOptions {
  readonly serverUrl: string;
  readonly apiKey: string;
  readonly userAgent: string;
}

/** Most bytes of a response body we read; a v1 answer to 100 events is far smaller. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Body buffers kept for reuse: one per request the exporter has in flight at a time. */
const POOLED_BODIES = 2;
/** Size of a pooled body buffer: a batch of 100 typical events is about 80 KB. */
const POOLED_BODY_BYTES = 128 * 1024;
/**
 * Whether resending cannot help a request that failed before an answer: only a request node
 * refuses to build (an invalid header or argument). Everything else, refused or reset connections,
 * DNS, TLS and a garbled answer (HPE_* parser errors) alike, may work later, and retrying is
 * bounded by maxRetries and the carry-over cap.
 */
function isPermanentRequestError(code: string): boolean {
  return code.startsWith('ERR_INVALID');
}

function isRetryableStatus(code: number): boolean {
  return code === 429 || code === 408 || code >= 500;
}

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

  function send(path: string, body: string, timeoutMs: number): Promise<TransportResult> {
    return new Promise<TransportResult>((resolve) => {
      let settled = false;
      const finish = (result: TransportResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
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
      const timer = setTimeout(() => {
        req.destroy();
        finish({
          status: 'retryable',
          error: new Error(`request timed out after ${timeoutMs} ms`),
        });
      }, timeoutMs);
      req.on('error', (error: NodeJS.ErrnoException) => {
        finish(
          isPermanentRequestError(error.code ?? '')
            ? { status: 'failure', error }
            : { status: 'retryable', error },
        );
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            res.destroy();
            finish({ status: 'failure', error: new Error('response body too large') });
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => finish({ status: 'retryable', error }));
        res.on('aborted', () =>
          finish({ status: 'retryable', error: new Error('response aborted') }),
        );
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (code >= 200 && code < 300) {
            finish({ status: 'success', statusCode: code, body: text });
          } else if (isRetryableStatus(code)) {
            const header = res.headers['retry-after'];
            const retryAfterMs = parseRetryAfter(Array.isArray(header) ? header[0] : header);
            finish({
              status: 'retryable',
              statusCode: code,
              ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
              error: new Error(`server answered ${code}${summary(text)}`),
            });
          } else {
            finish({
              status: 'failure',
              statusCode: code,
              body: text,
              error: new Error(`server answered ${code}${summary(text)}`),
            });
          }
        });
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

function summary(body: string): string {
  const text = body.trim().slice(0, 200);
  return text === '' ? '' : `: ${text}`;
}
