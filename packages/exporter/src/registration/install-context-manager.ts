import { type ContextManager, context } from '@opentelemetry/api';
import { logger } from '../otel/diag-logger.js';
import { requireOptional } from '../otel/require-optional.js';
import { registeredGlobal } from './registered-global.js';

type ContextManagerConstructor = new () => ContextManager;
type SetGlobalContextManager = (manager: ContextManager) => boolean;

/**
 * Registers an `AsyncLocalStorageContextManager` (from `@opentelemetry/context-async-hooks`, loaded
 * here, lazily) as the global context manager, so task spans nest when the app runs no SDK of its
 * own. It yields to the app: the first later `context.setGlobalContextManager()` call (NodeSDK's
 * `start()` makes one before registering its tracer provider) first unregisters ours, so the
 * app's registration succeeds instead of failing as a duplicate. Returns whether ours was
 * registered.
 */
export function installContextManager(): boolean {
  const Manager = loadContextManager();
  if (Manager === undefined) {
    logger.warn(
      'no @opentelemetry/context-async-hooks found: task spans are reported, but spans started inside them will not nest; install it next to @opentelemetry/sdk-trace-base',
    );
    return false;
  }
  const manager = new Manager();
  manager.enable();
  if (!context.setGlobalContextManager(manager)) {
    manager.disable();
    return false;
  }
  const api = context as unknown as { setGlobalContextManager: SetGlobalContextManager };
  const original = api.setGlobalContextManager;
  // An own property on the API's singleton, shadowing the prototype method once.
  api.setGlobalContextManager = (next: ContextManager): boolean => {
    // Restore the prototype method: we yield only once.
    delete (api as Partial<typeof api>).setGlobalContextManager;
    if (next !== manager && registeredGlobal('context') === manager) context.disable();
    return original.call(api, next);
  };
  return true;
}

function loadContextManager(): ContextManagerConstructor | undefined {
  return requireOptional<{ AsyncLocalStorageContextManager?: ContextManagerConstructor }>(
    '@opentelemetry/context-async-hooks',
    (mod) => typeof mod.AsyncLocalStorageContextManager === 'function',
  )?.AsyncLocalStorageContextManager;
}
