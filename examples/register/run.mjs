// Runs app.mjs the zero-code way against a throwaway devserver, then prints what it stored:
//
//   node examples/register/run.mjs
//
// Same as starting `mosaic-telemetry-devserver` and running, from the repository root:
//   MOSAIC_TELEMETRY_ENABLED=1 MOSAIC_TELEMETRY_SERVER_URL=... MOSAIC_TELEMETRY_API_KEY=... \
//   MOSAIC_TELEMETRY_INSTANCE_ID=... node --import @mosaicstack/telemetry-exporter/register examples/register/app.mjs
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startDevServer } from '@mosaicstack/telemetry-devserver';

const devserver = await startDevServer();
const app = fileURLToPath(new URL('./app.mjs', import.meta.url));
const child = spawn(
  process.execPath,
  ['--import', '@mosaicstack/telemetry-exporter/register', app],
  {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: 'inherit',
    env: {
      ...process.env,
      MOSAIC_TELEMETRY_ENABLED: '1',
      MOSAIC_TELEMETRY_SERVER_URL: devserver.url,
      MOSAIC_TELEMETRY_API_KEY: devserver.apiKey,
      MOSAIC_TELEMETRY_INSTANCE_ID: devserver.instanceId,
      MOSAIC_TELEMETRY_HARNESS: 'custom',
    },
  },
);
const code = await new Promise((resolve) => child.on('close', resolve));
console.log(`app exited with ${code}; devserver stored ${devserver.countEvents()} events:`);
for (const event of devserver.listEvents()) {
  console.log(
    `  ${event.task_type} ${event.model} in=${event.actual_input_tokens} out=${event.actual_output_tokens} outcome=${event.outcome}`,
  );
}
await devserver.close();
