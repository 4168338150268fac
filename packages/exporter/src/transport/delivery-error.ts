import type { MosaicDeliveryError, MosaicDeliveryErrorKind } from '../types.js';

/** Builds the error passed to `onError`. */
export function deliveryError(
  kind: MosaicDeliveryErrorKind,
  message: string,
  eventCount: number,
  status?: number,
): MosaicDeliveryError {
  const error = new Error(message) as Error & {
    kind: MosaicDeliveryErrorKind;
    eventCount: number;
    status?: number;
  };
  error.name = 'MosaicDeliveryError';
  error.kind = kind;
  error.eventCount = eventCount;
  if (status !== undefined) error.status = status;
  return error;
}
