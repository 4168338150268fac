import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { API_GLOBAL_KEY } from '../../src/registration/api-global-registry.js';
import { hookApiRegistry, type RegistryHook } from '../../src/registration/hook-api-registry.js';

// The hook relies on the order in which `@opentelemetry/api` reads and writes its global registry
// (see hookApiRegistry). These tests run each installed API line, in both of its builds, against
// it: if a release changes that order, they fail here, not silently in a user's app.
const require = createRequire(import.meta.url);
type Api = typeof import('@opentelemetry/api');
const LINES: Array<[string, () => Promise<Api>]> = [
  ['1.9 (CommonJS)', async () => require('@opentelemetry/api') as Api],
  ['1.9 (ES module)', async () => (await import('@opentelemetry/api')) as Api],
  ['1.10 (CommonJS)', async () => require('api-1-10') as Api],
  ['1.10 (ES module)', async () => (await import('api-1-10')) as unknown as Api],
];

function versionOf(api: Api): string {
  // A throw-away registration records the copy's version in the registry.
  api.diag.setLogger({ error() {}, warn() {}, info() {}, debug() {}, verbose() {} });
  const version = (globalThis as Record<symbol, { version: string }>)[API_GLOBAL_KEY]?.version;
  api.diag.disable();
  delete (globalThis as Record<symbol, unknown>)[API_GLOBAL_KEY];
  return version ?? 'unknown';
}

const fakeProvider = (name: string) => ({ name, getTracer: () => ({}) as never });

describe('hookApiRegistry', () => {
  let hook: RegistryHook | undefined;
  afterEach(() => {
    hook?.remove();
    hook = undefined;
    delete (globalThis as Record<symbol, unknown>)[API_GLOBAL_KEY];
  });

  describe.each(LINES)('with @opentelemetry/api %s', (_line, load) => {
    it('serves ours to readers, lets the app register its own and reports it', async () => {
      const api = await load();
      const version = versionOf(api);
      const registered: unknown[] = [];
      const refused: string[] = [];
      hook = hookApiRegistry(version, {
        onRefused: (type) => refused.push(type),
        onUnreadable: () => refused.push('unreadable'),
      });
      const ours = fakeProvider('ours');
      hook.provide('trace', ours, (value) => registered.push(value));

      expect(api.trace.getTracerProvider()).toBe(ours);
      const app = fakeProvider('app');
      expect(api.trace.setGlobalTracerProvider(app as never)).toBe(true);
      expect(registered).toHaveLength(1);
      // The API registers its proxy and then makes the app's provider its delegate.
      const proxy = registered[0] as { getDelegate(): unknown };
      expect(proxy.getDelegate()).toBe(app);
      expect(api.trace.getTracerProvider()).toBe(proxy);
      // A second registration is a duplicate again, as without the hook.
      expect(api.trace.setGlobalTracerProvider(fakeProvider('again') as never)).toBe(false);
      await Promise.resolve();
      expect(refused).toEqual([]);
    });

    it('lets a registration of an allowed override (diag) through and keeps serving ours', async () => {
      const api = await load();
      hook = hookApiRegistry(versionOf(api), { onRefused() {}, onUnreadable() {} });
      const ours = fakeProvider('ours');
      hook.provide('trace', ours, () => {});
      api.diag.setLogger({ error() {}, warn() {}, info() {}, debug() {}, verbose() {} });
      expect(api.trace.getTracerProvider()).toBe(ours);
      api.diag.disable();
    });
  });

  describe('when versions differ', () => {
    it('reports a registration the registry refused (another exact version)', async () => {
      const api = require('api-1-10') as Api;
      const refused: string[] = [];
      hook = hookApiRegistry('1.9.1', {
        onRefused: (type, pinned) => refused.push(`${type}@${pinned}`),
        onUnreadable: () => {},
      });
      hook.provide('trace', fakeProvider('ours'), () => {});
      expect(api.trace.setGlobalTracerProvider(fakeProvider('app') as never)).toBe(false);
      await Promise.resolve();
      expect(refused).toEqual(['trace@1.9.1']);
    });

    it('reports a copy too new to read the registry', async () => {
      const api = require('api-1-10') as Api;
      const unreadable: string[] = [];
      hook = hookApiRegistry('1.9.1', {
        onRefused: () => {},
        onUnreadable: (pinned) => unreadable.push(String(pinned)),
      });
      hook.provide('trace', fakeProvider('ours'), () => {});
      api.trace.getTracer('x');
      await Promise.resolve();
      expect(unreadable).toEqual(['1.9.1']);
    });

    it('lets an older copy read a newer registry', async () => {
      const api = require('@opentelemetry/api') as Api;
      hook = hookApiRegistry('1.10.0', { onRefused() {}, onUnreadable() {} });
      const ours = fakeProvider('ours');
      hook.provide('trace', ours, () => {});
      expect(api.trace.getTracerProvider()).toBe(ours);
    });
  });

  describe('remove', () => {
    it('leaves no registry behind when it created one and nothing was registered', async () => {
      hook = hookApiRegistry('1.9.1', { onRefused() {}, onUnreadable() {} });
      hook.provide('trace', fakeProvider('ours'), () => {});
      hook.remove();
      hook = undefined;
      expect((globalThis as Record<symbol, unknown>)[API_GLOBAL_KEY]).toBeUndefined();
    });
  });
});
