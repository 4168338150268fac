import { logger } from './diag-logger.js';

/** `value` as an Error, never a throw (a thrown string, a symbol, an object with a bad toString). */
export function asError(value: unknown): Error {
  if (value instanceof Error) return value;
  try {
    return new Error(String(value));
  } catch {
    return new Error(`a thrown ${typeof value}`);
  }
}

/** Calls host code (a callback) that must not throw into us: a throw is logged, never passed on. */
export function safeCall(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    logger.error(`a callback threw: ${asError(error).message}`);
  }
}
