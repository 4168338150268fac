import type { ContextManager } from '@opentelemetry/api';
import { logger } from '../otel/diag-logger.js';
import { requireOptional } from '../otel/require-optional.js';

type ContextManagerConstructor = new () => ContextManager;

/**
 * Builds and enables an `AsyncLocalStorageContextManager` (from `@opentelemetry/context-async-hooks`,
 * loaded here, lazily), so task spans nest when the app runs no SDK of its own; undefined (with a
 * warning naming the package) when it is not installed. The caller serves it through the API's
 * registry, where the app's own context manager replaces it.
 */
export function createContextManager(): ContextManager | undefined {
  const Manager = loadContextManager();
  if (Manager === undefined) {
    logger.warn(
      'no @opentelemetry/context-async-hooks found: task spans are reported, but model calls inside them are not folded in (tokens 0, model unknown); install @opentelemetry/context-async-hooks next to @opentelemetry/api',
    );
    return undefined;
  }
  return new Manager().enable();
}

function loadContextManager(): ContextManagerConstructor | undefined {
  return requireOptional<{ AsyncLocalStorageContextManager?: ContextManagerConstructor }>(
    '@opentelemetry/context-async-hooks',
    (mod) => typeof mod.AsyncLocalStorageContextManager === 'function',
  )?.AsyncLocalStorageContextManager;
}
