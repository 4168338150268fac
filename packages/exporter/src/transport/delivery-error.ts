import { redactSecrets } from '../otel/redact-secrets.js';
import type { MosaicDeliveryError, MosaicDeliveryErrorKind } from '../types.js';

/** The error passed to `onError`: what went wrong, for how many events; its message redacted. */
export class DeliveryError extends Error implements MosaicDeliveryError {
  override readonly name = 'MosaicDeliveryError';
  readonly status?: number;

  constructor(
    readonly kind: MosaicDeliveryErrorKind,
    message: string,
    readonly eventCount: number,
    status?: number,
  ) {
    super(redactSecrets(message));
    if (status !== undefined) this.status = status;
  }
}
