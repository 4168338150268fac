// Next.js: report task spans from a Next.js (App or Pages Router) server. Documented, not run here.
//
// Put this file at the project root (or in src/), next to next.config.*. Next.js calls
// `register()` once per server runtime when the server starts (stable since Next.js 15; on 13.4-14
// set `experimental.instrumentationHook: true`). Install the packages in the app:
//
//   npm i @mosaicstack/telemetry-exporter @opentelemetry/api @opentelemetry/sdk-node
//
// and set MOSAIC_TELEMETRY_ENABLED, MOSAIC_TELEMETRY_SERVER_URL, MOSAIC_TELEMETRY_API_KEY and
// MOSAIC_TELEMETRY_INSTANCE_ID in the server's environment. Then mark a coding task in a route
// handler or server action with `withTask(taskAttributes({ taskType: 'implementation' }), fn)`.

export async function register(): Promise<void> {
  // The Edge runtime has no Node.js APIs and no OTel Node SDK: set up tracing in Node.js only.
  // The imports stay inside the guard so the Edge bundle never includes them.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;

  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const { createMosaicSpanProcessor } = await import('@mosaicstack/telemetry-exporter');

  const sdk = new NodeSDK({
    serviceName: 'my-next-app',
    // `spanProcessors` replaces the env-configured exporters: keep yours in this list too,
    // e.g. new BatchSpanProcessor(new OTLPTraceExporter()).
    // A server never exits on its own: a short submit interval sends task events within
    // seconds instead of holding them for the default 5 minutes.
    spanProcessors: [createMosaicSpanProcessor({ harness: 'custom', submitIntervalMs: 10_000 })],
  });
  sdk.start();

  // With @vercel/otel instead of NodeSDK ('auto' keeps its default exporter):
  //   registerOTel({ serviceName: 'my-next-app', spanProcessors: ['auto', createMosaicSpanProcessor()] });
  //
  // With no OTel setup of your own, one call does it all (a minimal provider of ours, and a flush
  // on SIGTERM/SIGINT that leaves Next.js's own shutdown handling in charge):
  //   const { registerMosaicTelemetry } = await import('@mosaicstack/telemetry-exporter');
  //   registerMosaicTelemetry();
}
