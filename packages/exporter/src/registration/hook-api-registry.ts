import { API_GLOBAL_KEY, type ApiRegistry } from './api-global-registry.js';

/** A global we serve to every API copy until one of them registers its own. */
interface Provided {
  readonly value: object;
  readonly onRegistered: (registered: unknown) => void;
}

/** What `hookApiRegistry` reports. */
export interface RegistryEvents {
  /** A copy of the API tried to register `type` and the registry refused it (version mismatch). */
  onRefused(type: string, version: string | undefined): void;
  /** A copy of the API read the registry's version and found it incompatible. */
  onUnreadable(version: string | undefined): void;
}

/** The installed hook. */
export interface RegistryHook {
  /**
   * Serves `value` as the global `type` to every API copy that reads the registry, while no copy
   * has registered one of its own; calls `onRegistered` with each value a copy registers.
   */
  provide(
    type: 'trace' | 'context',
    value: object,
    onRegistered: (registered: unknown) => void,
  ): void;
  /** Removes the hook, leaving the registry as the API copies themselves made it. */
  remove(): void;
}

/** Where a registration in progress is (see `hookApiRegistry`). */
type Stage = 'start' | 'type-read' | 'version-read';

/**
 * Makes the API's global registry serve globals of ours to every copy of `@opentelemetry/api`
 * (`trace.getTracerProvider()`, `context.active()` of any copy that reads the registry), while a
 * copy's own later registration (NodeSDK's `start()`) still succeeds and replaces ours.
 *
 * Why not register ours the normal way: a later `trace.setGlobalTracerProvider()` would then fail
 * as a duplicate, and the app's provider would be lost. Why not set our provider as the API
 * proxy's delegate (as before): that reaches only the one API copy this package imports.
 *
 * How, read from the API's `internal/global-utils` (1.0 to 1.10, ESM and CommonJS builds alike):
 * - `registerGlobal(type, …)` first ASSIGNS the registry slot (`_global[KEY] = _global[KEY] ?? {…}`),
 *   then reads `registry[type]` (the duplicate check, skipped when overriding is allowed, as for
 *   diag), then `registry.version` (must equal the registrant's version), then sets `registry[type]`.
 * - `getGlobal(type)` never assigns the slot: it reads `registry.version` (1.10 only the first time
 *   per registry object) and `registry[type]`.
 * So `globalThis[KEY]` becomes an accessor whose setter marks "a registration starts", and the
 * registry a Proxy: the read of a provided type right after that mark is a duplicate check and
 * sees only what a copy really registered; every other read sees ours until a copy registers.
 * A registration whose version read is not followed by the set was refused (`onRefused`); a
 * version read followed by nothing was a copy that found the version incompatible (`onUnreadable`).
 *
 * Limits: a minifier that turned the slot assignment into `??=` (which assigns only when empty)
 * would hide registrations (no known bundler does this to a member expression); a copy newer than
 * the registry's version (a copy reads only registries of its own minor version or a later one:
 * `onUnreadable`) cannot be reached; `delete globalThis[KEY]` removes the
 * hook. `test/registration/hook-api-registry.test.ts` checks these read/write orders against each
 * installed API line and fails if they change.
 */
export function hookApiRegistry(version: string, events: RegistryEvents): RegistryHook {
  const g = globalThis as Record<symbol, unknown>;
  const created = g[API_GLOBAL_KEY] === undefined || g[API_GLOBAL_KEY] === null;
  let target = (created ? { version } : g[API_GLOBAL_KEY]) as ApiRegistry;
  const provided = new Map<string, Provided>();
  let stage: Stage | undefined;
  let registeringType: string | undefined;
  let accesses = 0;

  const refused = () => {
    const type = registeringType;
    stage = undefined;
    registeringType = undefined;
    if (type !== undefined && provided.has(type) && target[type] === undefined) {
      events.onRefused(type, target.version);
    }
  };
  // A compatible copy reads the version, then the type it wants; an incompatible one reads the
  // version (1.10: twice) and gives up. A version read that nothing follows before the microtask
  // checkpoint is such a copy. One check per synchronous run: API 1.9 reads the version on every
  // global lookup (each `context.active()`), and a microtask per lookup would cost the host.
  let versionReadsSinceAccess = 0;
  let checkQueued = false;
  let unreadableReported = false;
  const watchVersionRead = () => {
    versionReadsSinceAccess++;
    if (checkQueued || unreadableReported) return;
    checkQueued = true;
    queueMicrotask(() => {
      checkQueued = false;
      if (versionReadsSinceAccess === 0 || unreadableReported) return;
      unreadableReported = true;
      events.onUnreadable(target.version);
    });
  };

  const handler: ProxyHandler<ApiRegistry> = {
    get(t, key, receiver) {
      if (key !== 'version') {
        accesses++;
        versionReadsSinceAccess = 0;
      }
      if (typeof key !== 'string') return Reflect.get(t, key, receiver);
      if (stage === 'version-read') refused();
      if (key === 'version') {
        if (stage === 'start' || stage === 'type-read') {
          stage = 'version-read';
          const at = accesses;
          queueMicrotask(() => {
            if (stage === 'version-read' && accesses === at) refused();
          });
        } else watchVersionRead();
        return t.version;
      }
      const ours = provided.get(key);
      if (stage === 'start') {
        stage = 'type-read';
        registeringType = key;
        // The registrant's duplicate check: it must not see ours.
        return t[key];
      }
      return t[key] ?? ours?.value;
    },
    set(t, key, value) {
      accesses++;
      versionReadsSinceAccess = 0;
      stage = undefined;
      registeringType = undefined;
      (t as Record<string | symbol, unknown>)[key] = value;
      if (typeof key === 'string') provided.get(key)?.onRegistered(value);
      // Every global of ours replaced by the app's: nothing left to serve, step out of the way.
      if ([...provided.keys()].every((type) => t[type] !== undefined)) queueMicrotask(remove);
      return true;
    },
    deleteProperty(t, key) {
      accesses++;
      delete (t as Record<string | symbol, unknown>)[key];
      return true;
    },
  };
  let proxy = new Proxy(target, handler);

  Object.defineProperty(g, API_GLOBAL_KEY, {
    configurable: true,
    enumerable: false,
    get: () => proxy,
    set: (value: unknown) => {
      if (value !== proxy && typeof value === 'object' && value !== null) {
        target = value as ApiRegistry;
        proxy = new Proxy(target, handler);
      }
      accesses++;
      stage = 'start';
      registeringType = undefined;
    },
  });

  function remove(): void {
    provided.clear();
    const descriptor = Object.getOwnPropertyDescriptor(g, API_GLOBAL_KEY);
    if (descriptor?.get === undefined) return; // removed already, or someone replaced it
    delete g[API_GLOBAL_KEY];
    const onlyVersion = Object.keys(target).every((key) => key === 'version');
    if (!(created && onlyVersion)) g[API_GLOBAL_KEY] = target;
  }

  return {
    provide(type, value, onRegistered) {
      provided.set(type, { value, onRegistered });
    },
    remove,
  };
}
