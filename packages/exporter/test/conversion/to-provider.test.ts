import { Provider } from '@mosaicstack/telemetry-semconv';
import { describe, expect, it } from 'vitest';
import { toProvider } from '../../src/conversion/to-provider.js';

const WIRE: ReadonlySet<string> = new Set(Object.values(Provider));

/** Every property name an object literal inherits, as written and as a dotted framework name. */
const INHERITED = Object.getOwnPropertyNames(Object.prototype).flatMap((name) => [
  name,
  name.toUpperCase(),
  ` ${name} `,
  `${name}.chat`,
  `${name}.messages`,
]);

describe('toProvider', () => {
  describe('known names', () => {
    it('maps wire values, aliases and known prefixes', () => {
      expect(toProvider('anthropic')).toBe('anthropic');
      expect(toProvider(' OpenAI ')).toBe('openai');
      expect(toProvider('gcp.vertex_ai')).toBe('google');
      expect(toProvider('mistralai')).toBe('mistral');
      expect(toProvider('openai.chat')).toBe('openai');
      expect(toProvider('anthropic.messages')).toBe('anthropic');
      expect(toProvider('gemini.whatever')).toBe('google');
      expect(toProvider('acme-llm')).toBe('custom');
      expect(toProvider('  ')).toBe('unknown');
    });
  });

  describe('hostile names', () => {
    it('maps constructor, __proto__ and constructor.chat to custom', () => {
      expect(toProvider('constructor')).toBe('custom');
      expect(toProvider('__proto__')).toBe('custom');
      expect(toProvider('constructor.chat')).toBe('custom');
      expect(toProvider('__proto__.chat')).toBe('custom');
    });

    it('returns a wire value, never an inherited member, for every Object.prototype name', () => {
      for (const name of INHERITED) {
        const provider = toProvider(name);
        expect(typeof provider, name).toBe('string');
        expect(WIRE.has(provider), `${name} -> ${String(provider)}`).toBe(true);
        expect(provider, name).toBe('custom');
      }
    });
  });
});
