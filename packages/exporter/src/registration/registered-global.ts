/**
 * Where `@opentelemetry/api` 1.x keeps what was registered globally (`registerGlobal` in its
 * `internal/global-utils`): an object under `Symbol.for('opentelemetry.js.api.1')` holding the
 * API version of the first registration and one entry per registered global. The API has no
 * getter for "is a diag logger / context manager registered", so we peek.
 */
const API_GLOBAL_KEY = Symbol.for('opentelemetry.js.api.1');

type Registry = Record<string, unknown>;
const slot = globalThis as Record<symbol, Registry | undefined>;

/** What is registered globally for `type`, if anything. */
export function registeredGlobal(type: 'context' | 'diag' | 'trace'): unknown {
  return slot[API_GLOBAL_KEY]?.[type];
}

/** Whether the API's registry exists; it pins the API version every later registration must match. */
export function hasApiRegistry(): boolean {
  return slot[API_GLOBAL_KEY] !== undefined;
}

/**
 * Removes the registry when nothing is registered in it any more (it holds only its version), so
 * a registration of ours that was undone leaves no pinned API version behind.
 */
export function removeEmptyApiRegistry(): void {
  const registry = slot[API_GLOBAL_KEY];
  if (registry !== undefined && Object.keys(registry).every((key) => key === 'version')) {
    delete slot[API_GLOBAL_KEY];
  }
}
