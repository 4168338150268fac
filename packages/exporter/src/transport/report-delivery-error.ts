import { logger } from '../otel/diag-logger.js';
import { safeCall } from '../otel/safe-call.js';
import type { MosaicDeliveryError } from '../types.js';

/**
 * Reports a delivery error the one way every part does: a diag warning, then the host's
 * `onError` (a throw from it is logged, never passed on). Messages are already redacted
 * (`DeliveryError`) and the logger redacts again.
 */
export function reportDeliveryError(
  error: MosaicDeliveryError,
  onError: ((error: MosaicDeliveryError) => void) | undefined,
): void {
  logger.warn(error.message);
  if (onError !== undefined) safeCall(() => onError(error));
}

/** The hint added to a 401 or 403: the key and instance id do not belong together. */
export function refusalHint(status: number | undefined): string {
  return status === 401 || status === 403
    ? ' (check that apiKey and instanceId belong together)'
    : '';
}

/** Logs the request a dry run would have sent, the key redacted. */
export function logDryRun(serverUrl: string, path: string, body: string): void {
  // warn, not info: the user asked to see each batch, at the WARN level NodeSDK users set.
  logger.warn(`dry run: POST ${serverUrl}${path} (Authorization: Bearer [REDACTED]) ${body}`);
}
