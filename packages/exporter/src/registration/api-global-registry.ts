import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { diag } from '@opentelemetry/api';

/**
 * Where `@opentelemetry/api` 1.x keeps what was registered globally (`registerGlobal` in its
 * `internal/global-utils`, unchanged from 1.0 to 1.10): an object under this `Symbol.for` key,
 * shared by every copy of the API in the process (same version or not, ESM or CommonJS build,
 * bundled or not), holding the API version of the first registration and one entry per global.
 */
export const API_GLOBAL_KEY = Symbol.for('opentelemetry.js.api.1');

/** The registry object: `version` plus one entry per registered global. */
export type ApiRegistry = Record<string, unknown> & { version?: string };

const slot = globalThis as Record<symbol, ApiRegistry | undefined>;

/** The registry as the API copies see it now, if any copy has registered something. */
export function apiRegistry(): ApiRegistry | undefined {
  return slot[API_GLOBAL_KEY];
}

/** What is registered globally for `type`, if anything. */
export function registeredGlobal(type: 'context' | 'diag' | 'trace'): unknown {
  return slot[API_GLOBAL_KEY]?.[type];
}

/**
 * The version of the `@opentelemetry/api` copy this package imports, learnt the way the API
 * itself records it: a registration creates the registry with the registering copy's version.
 * A throw-away diag registration does it when no registry exists; it is undone at once.
 */
export function ownApiVersion(): string | undefined {
  const existing = slot[API_GLOBAL_KEY];
  if (existing !== undefined) {
    // Ours can read it when it is compatible; the version is then that of the first registrant.
    return undefined;
  }
  const noop = () => {};
  diag.setLogger(
    { error: noop, warn: noop, info: noop, debug: noop, verbose: noop },
    { suppressOverrideMessage: true },
  );
  const version = slot[API_GLOBAL_KEY]?.version;
  diag.disable();
  delete slot[API_GLOBAL_KEY];
  return version;
}

/**
 * The version of the `@opentelemetry/api` the app resolves from its working directory (where its
 * NodeSDK most likely loads it from), read from that copy's package.json; undefined when none.
 */
export function appApiVersion(cwd = process.cwd()): string | undefined {
  try {
    let dir = dirname(createRequire(join(cwd, 'noop.js')).resolve('@opentelemetry/api'));
    for (let i = 0; i < 6; i++) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (manifest.name === '@opentelemetry/api') return manifest.version;
      } catch {
        // no package.json at this level; go up
      }
      dir = dirname(dir);
    }
  } catch {
    // the app has no @opentelemetry/api of its own where node would look
  }
  return undefined;
}
