// Real OTel SDK 2.x spans, created through a BasicTracerProvider with no processors.
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

export const API_KEY = 'ab'.repeat(32);
export const INSTANCE_ID = '2b0f7c1e-4f7a-4c51-9b7e-0c1d2e3f4a5b';

/** A valid enabled config pointing at `serverUrl`. */
export const benchConfig = (serverUrl, extra = {}) => ({
  enabled: true,
  serverUrl,
  apiKey: API_KEY,
  instanceId: INSTANCE_ID,
  ...extra,
});

/** Five attributes of an ordinary (non-task) span, e.g. an HTTP client call. */
export const ORDINARY_ATTRIBUTES = {
  'http.request.method': 'GET',
  'url.full': 'http://127.0.0.1:8080/api/items?page=2',
  'server.address': '127.0.0.1',
  'server.port': 8080,
  'http.response.status_code': 200,
};

/** What a typical task span carries (docs/semantic-conventions.md). */
export const TASK_ATTRIBUTES = {
  'mosaic.task.type': 'implementation',
  'mosaic.task.complexity': 'medium',
  'mosaic.task.outcome': 'success',
  'mosaic.task.language': 'typescript',
  'mosaic.task.repo_size': 'medium',
  'mosaic.task.retry_count': 1,
  'mosaic.harness': 'claude_code',
  'gen_ai.request.model': 'claude-sonnet-4-5',
  'gen_ai.provider.name': 'anthropic',
  'gen_ai.usage.input_tokens': 48_211,
  'gen_ai.usage.output_tokens': 6_377,
  'mosaic.tokens.estimated_input': 40_000,
  'mosaic.tokens.estimated_output': 5_000,
  'mosaic.cost.estimated_usd_micros': 195_000,
  'mosaic.cost.actual_usd_micros': 240_288,
  'mosaic.quality.passed': true,
  'mosaic.quality.gates_run': ['build', 'lint', 'test', 'typecheck'],
  'mosaic.quality.gates_failed': [],
  'mosaic.context.compactions': 1,
  'mosaic.context.rotations': 0,
  'mosaic.context.utilization': 0.62,
};

export function tracer() {
  return new BasicTracerProvider().getTracer('bench');
}

/** `n` started (not ended) spans with `attributes`, children of `parent` when given. */
export function startedSpans(n, attributes, parent) {
  const t = tracer();
  const ctx = parent === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, parent);
  return Array.from({ length: n }, (_, i) => t.startSpan(`span ${i}`, { attributes }, ctx));
}

/** `n` ended spans with `attributes`, children of `parent` when given. */
export function endedSpans(n, attributes, parent) {
  const spans = startedSpans(n, attributes, parent);
  for (const span of spans) span.end();
  return spans;
}
