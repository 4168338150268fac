import type { Provider } from '@mosaicstack/telemetry-semconv';

/** The provider a model name implies, for sources that name no provider (Codex's custom ones). */
export function inferProvider(model: string | undefined): Provider | undefined {
  if (model === undefined) return undefined;
  const m = model.toLowerCase();
  if (/^(gpt|o\d|codex|chatgpt)/.test(m)) return 'openai';
  if (m.startsWith('claude')) return 'anthropic';
  if (m.startsWith('gemini')) return 'google';
  if (m.startsWith('mistral') || m.startsWith('codestral')) return 'mistral';
  return 'custom';
}
