import type { Provider } from '@mosaicstack/telemetry-semconv';

/**
 * The price table's provider id for each wire provider it prices. `ollama` runs models locally
 * and has no price; `custom` and `unknown` are left to the table's match on the model name.
 */
const PRICE_PROVIDER_IDS: ReadonlyMap<string, string> = new Map([
  ['anthropic', 'anthropic'],
  ['openai', 'openai'],
  ['google', 'google'],
  ['mistral', 'mistral'],
  ['openrouter', 'openrouter'],
]);

/** Wire providers the price table has no prices for, whatever the model. */
const UNPRICED: ReadonlySet<string> = new Set(['ollama']);

/**
 * How to look a wire provider up in `@pydantic/genai-prices`: its provider id, `null` to match
 * the provider from the model name (`custom`, `unknown`), or `undefined` when it has no prices.
 */
export function priceProviderId(provider: Provider): string | null | undefined {
  if (UNPRICED.has(provider)) return undefined;
  return PRICE_PROVIDER_IDS.get(provider) ?? null;
}
