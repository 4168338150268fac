import { createRequire } from 'node:module';

/**
 * Loads an optional peer package: as this package resolves it, else as the app (its working
 * directory) does, the first whose module `accept`s. Undefined when none is installed.
 */
export function requireOptional<T>(name: string, accept: (mod: T) => boolean): T | undefined {
  const requirers = [createRequire(import.meta.url), createRequire(`${process.cwd()}/`)];
  for (const req of requirers) {
    try {
      const mod = req(name) as T;
      if (accept(mod)) return mod;
    } catch {
      // not installed where this requirer looks; try the next
    }
  }
  return undefined;
}
