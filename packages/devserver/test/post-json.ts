import type { DevServer } from '../src/index.js';

/** A parsed answer of the dev server. */
export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** How to send a request: `apiKey: null` sends no Authorization header. */
export interface PostOptions {
  apiKey?: string | null;
  headers?: Record<string, string>;
  /** Sent as is instead of `JSON.stringify(body)`. */
  raw?: string;
}

/** POSTs `body` as JSON with the server's key over real loopback HTTP and parses the answer. */
export async function postJson<T = { error: string }>(
  server: DevServer,
  path: string,
  body: unknown,
  options: PostOptions = {},
): Promise<Answer<T>> {
  const apiKey = options.apiKey === undefined ? server.apiKey : options.apiKey;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (apiKey !== null) headers.Authorization = `Bearer ${apiKey}`;
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { ...headers, ...options.headers },
    body: options.raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as T };
}
