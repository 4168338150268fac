/** The spool folder could not be opened (in use by another bridge, not writable, not a spool). */
export class SpoolOpenError extends Error {
  override readonly name = 'SpoolOpenError';
}
