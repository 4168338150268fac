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

/** The globals the API registers (`OTelGlobalAPI` of its `internal/global-utils`). */
const TYPES = ['trace', 'context', 'diag', 'propagation', 'metrics', 'logs'] as const;

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
 * registry an object of accessors (`version` and each global): the read of a type right after
 * that mark is a duplicate check and sees only what a copy really registered; every other read
 * sees ours until a copy registers its own. A registration whose version read is not followed by
 * the set was refused (`onRefused`); a version read followed by nothing was a copy that found the
 * version incompatible (`onUnreadable`). Once the app has registered every global we serve, the
 * hook puts a plain registry back and costs nothing more.
 *
 * Limits: a minifier that turned the slot assignment into `??=` (which assigns only when empty)
 * would hide registrations (no known bundler does this to a member expression); a copy newer than
 * the registry's version (a copy reads only registries of its own minor version or an earlier one:
 * `onUnreadable`) cannot be reached; `delete globalThis[KEY]` removes the hook, and an API's
 * `disable()` of a served type stops serving it. `test/registration/hook-api-registry.test.ts`
 * checks these read/write orders against each installed API line and fails if they change.
 */
export function hookApiRegistry(version: string, events: RegistryEvents): RegistryHook {
  const g = globalThis as Record<symbol, unknown>;
  const previous = g[API_GLOBAL_KEY] as ApiRegistry | undefined | null;
  const created = previous === undefined || previous === null;
  const pinned = created ? version : (previous.version ?? version);
  // What copies of the API really registered, type by type.
  const values: Record<string, unknown> = {};
  if (!created) {
    for (const key of Object.keys(previous)) if (key !== 'version') values[key] = previous[key];
  }
  const provided = new Map<string, Provided>();
  let stage: Stage | undefined;
  let registeringType: string | undefined;
  let accesses = 0;
  let removed = false;

  const refused = () => {
    const type = registeringType;
    stage = undefined;
    registeringType = undefined;
    if (type !== undefined && provided.has(type) && values[type] === undefined) {
      events.onRefused(type, pinned);
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
      if (versionReadsSinceAccess === 0 || unreadableReported || removed) return;
      unreadableReported = true;
      events.onUnreadable(pinned);
    });
  };

  const readVersion = (): string => {
    if (stage === 'start' || stage === 'type-read') {
      stage = 'version-read';
      const at = accesses;
      queueMicrotask(() => {
        if (stage === 'version-read' && accesses === at) refused();
      });
    } else {
      if (stage === 'version-read') refused();
      watchVersionRead();
    }
    return pinned;
  };
  const readType = (type: string): unknown => {
    accesses++;
    versionReadsSinceAccess = 0;
    if (stage === 'version-read') refused();
    if (stage === 'start') {
      // The registrant's duplicate check: it must not see ours.
      stage = 'type-read';
      registeringType = type;
      return values[type];
    }
    return values[type] ?? provided.get(type)?.value;
  };
  const writeType = (type: string, value: unknown): void => {
    accesses++;
    versionReadsSinceAccess = 0;
    stage = undefined;
    registeringType = undefined;
    values[type] = value;
    provided.get(type)?.onRegistered(value);
    // Every global of ours replaced by the app's: nothing left to serve, step out of the way.
    if ([...provided.keys()].every((key) => values[key] !== undefined)) remove();
  };

  const registry = {} as ApiRegistry;
  Object.defineProperty(registry, 'version', {
    enumerable: true,
    configurable: true,
    get: readVersion,
  });
  for (const type of TYPES) {
    Object.defineProperty(registry, type, {
      enumerable: true,
      // An API's `disable()` deletes its entry (`delete registry[type]`, in strict mode).
      configurable: true,
      get: () => readType(type),
      set: (value: unknown) => writeType(type, value),
    });
  }

  Object.defineProperty(g, API_GLOBAL_KEY, {
    configurable: true,
    enumerable: false,
    get: () => registry,
    set: () => {
      // `registerGlobal` assigns the registry to itself first: a registration starts.
      accesses++;
      stage = 'start';
      registeringType = undefined;
    },
  });

  function remove(): void {
    if (removed) return;
    removed = true;
    provided.clear();
    const descriptor = Object.getOwnPropertyDescriptor(g, API_GLOBAL_KEY);
    if (descriptor?.get === undefined) return; // someone deleted or replaced it already
    delete g[API_GLOBAL_KEY];
    // What the copies registered, as a plain registry; entries an API's disable() deleted stay gone.
    const plain: ApiRegistry = { version: pinned };
    for (const type of TYPES) {
      if (
        Object.getOwnPropertyDescriptor(registry, type) !== undefined &&
        values[type] !== undefined
      ) {
        plain[type] = values[type];
      }
    }
    for (const key of Object.keys(values)) {
      if (!(TYPES as readonly string[]).includes(key)) plain[key] = values[key];
    }
    const onlyVersion = Object.keys(plain).every((key) => key === 'version');
    if (!(created && onlyVersion)) g[API_GLOBAL_KEY] = plain;
  }

  return {
    provide(type, value, onRegistered) {
      provided.set(type, { value, onRegistered });
    },
    remove,
  };
}
