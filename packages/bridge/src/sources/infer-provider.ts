import type { Provider } from '@mosaicstack/telemetry-semconv';
import { providerFromModel } from '../model/exporter-core.js';

/**
 * The provider a model name implies, for sources that name no provider (Codex's custom ones): the
 * exporter's one rule (`gpt-*`, `o3`, `codex-*` -> openai, `claude-*` -> anthropic, ...), and
 * `custom` for a name it does not know, since such a Codex model is served by someone else.
 */
export function inferProvider(model: string | undefined): Provider | undefined {
  if (model === undefined) return undefined;
  return providerFromModel(model) ?? 'custom';
}
