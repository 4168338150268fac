/** What decoding one OTLP request gave: the records it held and how many of them were refused. */
export interface DecodedBatch<T> {
  readonly records: T[];
  /** Records refused as unusable (e.g. a span without a valid trace or span id). */
  readonly rejected: number;
  /** Why records were refused, for the partial-success answer; never holds record content. */
  readonly rejectReason: string | undefined;
}
