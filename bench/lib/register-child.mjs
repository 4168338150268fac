// Child of bench/register-overhead.mjs: measures, in this process, the cost of the OTel API calls
// an instrumented app makes most (`context.active()`, starting and ending a non-task span under
// an active span) and prints them as JSON. APP_PROVIDER=1: the app registers its own SDK provider
// and context manager first (as NodeSDK's start() does).
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

if (process.env.APP_PROVIDER === '1') {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider());
}
const tracer = trace.getTracer('bench');
const N = Number(process.env.N ?? 1_000_000);

function time(fn) {
  for (let i = 0; i < N / 10; i++) fn(); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn();
  return Number(process.hrtime.bigint() - started) / N;
}

let sink = 0;
const result = tracer.startActiveSpan('parent', (parent) => {
  const out = {
    contextActive: time(() => {
      sink += context.active() === undefined ? 1 : 0;
    }),
    spanStartEnd: time(() => tracer.startSpan('child').end()),
  };
  parent.end();
  return out;
});
console.log(JSON.stringify({ ...result, sink }));
