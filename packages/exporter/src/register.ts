/**
 * The zero-code entry: `node --import @mosaicstack/telemetry-exporter/register app.js` (or
 * `--require` for CommonJS). With `MOSAIC_TELEMETRY_ENABLED` unset or off (or
 * `OTEL_SDK_DISABLED=true`) it does nothing at all: no OTel SDK module is loaded, no timer, socket
 * or process listener is made. Switched on, it reads the rest of the config from
 * `MOSAIC_TELEMETRY_*` and runs `registerMosaicTelemetry()`.
 */
import { registerMosaicTelemetry } from './registration/register-mosaic-telemetry.js';

registerMosaicTelemetry();
