/** The spool could not be written (disk full, I/O error): the export is not acknowledged. */
export class SpoolWriteError extends Error {
  override readonly name = 'SpoolWriteError';
}
