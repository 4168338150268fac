/**
 * Marks every processor `createMosaicSpanProcessor` and `registerMosaicTelemetry` make, so one can
 * be recognised on a tracer provider across copies of this package and after a minifier renamed
 * its class (a `Symbol.for` key is the same in every copy and every bundle).
 */
export const MOSAIC_PROCESSOR_BRAND = Symbol.for('@mosaicstack/telemetry-exporter.processor');

/** Brands `processor` (see `MOSAIC_PROCESSOR_BRAND`) and returns it. */
export function brandProcessor<T extends object>(processor: T): T {
  try {
    Object.defineProperty(processor, MOSAIC_PROCESSOR_BRAND, { value: true });
  } catch {
    // a frozen object: it stays unbranded, at worst attached twice (the server dedupes)
  }
  return processor;
}

/** Whether `value` is a processor of ours (branded by any copy of this package). */
export function isMosaicProcessor(value: unknown): boolean {
  return typeof value === 'object' && value !== null && MOSAIC_PROCESSOR_BRAND in value;
}
