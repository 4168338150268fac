// Next.js: report task spans from a Next.js (App or Pages Router) server.
//
// Put this file at the project root (or in src/), next to next.config.*. Next.js calls
// `register()` once per server runtime when the server starts (stable since Next.js 15). Install
// the packages of your SDK line (see the README's Install section) and set
// MOSAIC_TELEMETRY_ENABLED, MOSAIC_TELEMETRY_SERVER_URL, MOSAIC_TELEMETRY_API_KEY and
// MOSAIC_TELEMETRY_INSTANCE_ID in the server's environment. Then mark a coding task in a route
// handler or server action with `withTask(...)` (app/api/task/route.ts does).
//
// Pick ONE of the three setups below; this example has all three so that the Next.js lane
// (compat/nextjs/run.sh) can run each one (MOSAIC_EXAMPLE_OTEL=node-sdk | vercel-otel | register).
// A fourth needs no instrumentation.ts at all (the lane builds the app without it too):
// NODE_OPTIONS='--import @mosaicstack/telemetry-exporter/register' next start
// None needs a shutdown hook of yours, nor NEXT_MANUAL_SIG_HANDLE: in a Next.js server task
// events are sent as each task ends (`exportMode: 'immediate'` is the default there), so a
// SIGTERM right after the response loses nothing.

export async function register(): Promise<void> {
  // The Edge runtime has no Node.js APIs and no OTel Node SDK: set up tracing in Node.js only.
  // The imports stay inside the guard so the Edge bundle never includes them.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const setup = process.env.MOSAIC_EXAMPLE_OTEL ?? 'node-sdk';

  if (setup === 'node-sdk') {
    // 1. NodeSDK: our processor next to yours (`spanProcessors` replaces the env-configured ones).
    const { NodeSDK } = await import('@opentelemetry/sdk-node');
    const { createMosaicSpanProcessor } = await import('@mosaicstack/telemetry-exporter');
    const sdk = new NodeSDK({
      serviceName: 'my-next-app',
      spanProcessors: [createMosaicSpanProcessor({ harness: 'custom' })],
    });
    sdk.start();
  } else if (setup === 'vercel-otel') {
    // 2. @vercel/otel: 'auto' keeps its default exporter, ours is added next to it.
    const { registerOTel } = await import('@vercel/otel');
    const { createMosaicSpanProcessor } = await import('@mosaicstack/telemetry-exporter');
    registerOTel({
      serviceName: 'my-next-app',
      spanProcessors: ['auto', createMosaicSpanProcessor({ harness: 'custom' })],
    });
  } else {
    // 3. No OTel setup of your own: one call does it all (a minimal provider of ours, which any
    //    provider registered later takes over, and a flush on SIGTERM/SIGINT).
    const { registerMosaicTelemetry } = await import('@mosaicstack/telemetry-exporter');
    registerMosaicTelemetry({ harness: 'custom' });
  }
}
