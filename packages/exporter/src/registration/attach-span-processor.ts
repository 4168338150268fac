import type { SpanProcessorLike } from '../otel/otel-types.js';
import { isMosaicProcessor } from '../processor/mosaic-processor-brand.js';

/** What `attachSpanProcessor` did. */
export type AttachResult = 'attached' | 'already-attached' | 'unsupported';

/** The parts of an SDK tracer provider we reach into (see `attachSpanProcessor`). */
interface SdkTracerProviderShape {
  /** SDK 1.x only: removed in 2.0. */
  addSpanProcessor?: (processor: SpanProcessorLike) => void;
  _activeSpanProcessor?: { _spanProcessors?: unknown };
}

/**
 * Adds a span processor to a tracer provider that is already built, as the SDK no longer allows:
 * `BasicTracerProvider#addSpanProcessor` was removed in 2.0 and processors are fixed at
 * construction.
 *
 * How, read from the SDK's source (sdk-trace 2.12, which sdk-trace-base 2.12 re-exports, and
 * sdk-trace 3.1): the provider keeps one `MultiSpanProcessor` in `_activeSpanProcessor`, built over
 * the array of processors it was given; that same `MultiSpanProcessor` object is handed to every
 * `Tracer` (and from there to every `Span`), which call `onStart`/`onEnd` on each element of its
 * `_spanProcessors` array, iterating it afresh on every call. Pushing onto that array is therefore
 * seen at once by every tracer and span, past and future, and by the provider's own
 * `forceFlush()`/`shutdown()`, which walk the same array (the SDK itself reads it as
 * `this._activeSpanProcessor['_spanProcessors']`). Wrapping `getTracer` instead would miss tracers
 * handed out already, and replacing `_activeSpanProcessor` would miss them too.
 *
 * Limits: it relies on those two private field names (unchanged from 2.0 to 3.1); a provider
 * that does not have them (another SDK, a wrapper) is left alone and `unsupported` returned. A
 * provider already holding a processor of ours (by class name) is left alone too, so the same
 * task is not delivered twice (the server would drop the duplicate anyway: event ids are
 * deterministic).
 */
export function attachSpanProcessor(provider: unknown, processor: SpanProcessorLike): AttachResult {
  if (typeof provider !== 'object' || provider === null) return 'unsupported';
  const sdk = provider as SdkTracerProviderShape;
  const list = sdk._activeSpanProcessor?._spanProcessors;
  if (Array.isArray(list)) {
    if (list.some(isMosaicProcessor)) return 'already-attached';
    list.push(processor);
    return 'attached';
  }
  if (typeof sdk.addSpanProcessor === 'function') {
    sdk.addSpanProcessor(processor);
    return 'attached';
  }
  return 'unsupported';
}

/** Whether a provider looks like an SDK tracer provider we can attach to. */
export function isAttachable(provider: unknown): boolean {
  if (typeof provider !== 'object' || provider === null) return false;
  const sdk = provider as SdkTracerProviderShape;
  return (
    Array.isArray(sdk._activeSpanProcessor?._spanProcessors) ||
    typeof sdk.addSpanProcessor === 'function'
  );
}
