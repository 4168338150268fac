// The first-run panel: the exact environment lines to send a first task (GET /api/setup).
import { $, api, KEY_STORAGE } from './dom.js';

export async function renderEmptyState() {
  const setup = await api('/api/setup');
  const key =
    setup.api_key ?? sessionStorage.getItem(KEY_STORAGE) ?? '<the API key the devserver printed>';
  const origin = location.origin;
  $('empty-sdk').textContent = [
    'MOSAIC_TELEMETRY_ENABLED=1',
    `MOSAIC_TELEMETRY_SERVER_URL=${origin}`,
    `MOSAIC_TELEMETRY_API_KEY=${key}`,
    `MOSAIC_TELEMETRY_INSTANCE_ID=${setup.instance_id}`,
  ].join('\n');
  $('empty-otlp').textContent = [
    `OTEL_EXPORTER_OTLP_ENDPOINT=${origin}`,
    'OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf',
  ].join('\n');
}
