import http from 'node:http';
import { gzipSync } from 'node:zlib';

/** What the bridge answered. */
export interface OtlpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** POSTs one OTLP/HTTP request over a real loopback connection. */
export function postOtlp(
  baseUrl: string,
  path: string,
  body: Buffer | string,
  options: {
    contentType?: string;
    gzip?: boolean;
    headers?: Record<string, string>;
    method?: string;
  } = {},
): Promise<OtlpAnswer> {
  const raw = typeof body === 'string' ? Buffer.from(body) : body;
  const payload = options.gzip === true ? gzipSync(raw) : raw;
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json',
    'content-length': String(payload.length),
    ...(options.gzip === true ? { 'content-encoding': 'gzip' } : {}),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}${path}`,
      { method: options.method ?? 'POST', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
