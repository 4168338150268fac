// The ONLY module of the bridge that touches the exporter: its `core` subpath, shared with the
// in-process exporter, so the bridge has one converter (`toTaskEvent`), one usage reader
// (`readModelCall`), one fold (`foldModelCalls`: innermost calls, each call once across
// instrumentation layers) and one delivery (`createEventDelivery`) with it, never a copy.
import {
  classifyCommand,
  computeCostMicros,
  createEventDelivery,
  type FoldableCall,
  foldModelCalls,
  type GateOutcome,
  type GateRun,
  gateOutcome,
  languageOfFiles,
  type ModelCall,
  type MosaicTelemetryConfig,
  priceTaskRequests,
  providerFromModel,
  type RequestUsage,
  readModelCall,
  reduceProviderMetadata,
  resolveConfig,
  type SpanRecord,
  type TaskUsage,
  type TouchedFile,
  toTaskEvent,
  type UsageBreakdown,
} from '@mosaicstack/telemetry-exporter/core';
import type { TaskCompletionEvent } from '@mosaicstack/telemetry-semconv';
import { diag } from '@opentelemetry/api';

export type {
  FoldableCall,
  GateOutcome,
  GateRun,
  ModelCall,
  MosaicTelemetryConfig,
  RequestUsage,
  SpanRecord,
  TaskUsage,
  TouchedFile,
  UsageBreakdown,
};
export {
  classifyCommand,
  computeCostMicros,
  foldModelCalls,
  gateOutcome,
  languageOfFiles,
  priceTaskRequests,
  providerFromModel,
  readModelCall,
  reduceProviderMetadata,
};

/** The bridge's one component logger (OTel `diag`); the delivery logs through the exporter's. */
export const logger = diag.createComponentLogger({ namespace: '@mosaicstack/telemetry-bridge' });

/** A finished task, ready for conversion: its record (allowlisted keys only are read) and usage. */
export interface TaskToDeliver {
  readonly record: SpanRecord;
  readonly usage?: TaskUsage | undefined;
}

/** Delivery of finished tasks upstream: converts, chunks, retries; never rejects. */
export interface TaskDelivery {
  /** Whether events leave at all (a valid config that is switched on). */
  readonly enabled: boolean;
  /**
   * The wire events of finished tasks (a task that cannot be converted is left out, logged); none
   * when delivery is off, since nothing would leave.
   */
  toEvents(tasks: readonly TaskToDeliver[]): TaskCompletionEvent[];
  /** Sends events (converted by `toEvents`, maybe in an earlier run); never rejects. */
  deliver(events: readonly TaskCompletionEvent[]): Promise<void>;
  /** Events a failed delivery carried over, waiting for the next one. */
  readonly carryOverSize: number;
  /** Sends the carry-over alone, now (a delivery sends it first anyway); never rejects. */
  deliverCarryOver(): Promise<void>;
  /** Epoch ms before which the server asked (`Retry-After`) not to be sent to again; 0 if never. */
  readonly retryAfterUntil: number;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Delivery of finished tasks through the exporter's converter (allowlist, corrections, event id
 * from trace id + span id) and its delivery (<=100-event requests, retries, carry-over, diag).
 * Starting a bridge is the opt-in, so `enabled` defaults to true; `MOSAIC_TELEMETRY_ENABLED=0`
 * still switches delivery off.
 */
export function createTaskDelivery(
  config: MosaicTelemetryConfig | undefined,
  onSettled?: (events: readonly TaskCompletionEvent[]) => void,
): TaskDelivery {
  const resolved = resolveConfig({ enabled: true, ...config });
  const delivery = createEventDelivery(resolved, onSettled === undefined ? {} : { onSettled });
  const corrected = new Set<string>();
  const onCorrection = (key: string) => {
    if (corrected.has(key)) return;
    corrected.add(key);
    logger.debug(`corrected a bad value of ${key} (logged once per key)`);
  };
  return {
    enabled: resolved.enabled,
    toEvents(tasks) {
      const events: TaskCompletionEvent[] = [];
      if (!resolved.enabled) return events;
      for (const task of tasks) {
        try {
          events.push(
            toTaskEvent(task.record, {
              instanceId: resolved.instanceId,
              harness: resolved.harness,
              usage: task.usage,
              onCorrection,
            }),
          );
        } catch {
          logger.debug('dropped a task record that could not be converted');
        }
      }
      return events;
    },
    deliver(events) {
      if (events.length === 0 || !resolved.enabled) return Promise.resolve();
      return delivery.deliver(events).catch(() => undefined);
    },
    get carryOverSize() {
      return delivery.carryOverSize;
    },
    deliverCarryOver() {
      if (delivery.carryOverSize === 0) return Promise.resolve();
      return delivery.deliver([]).catch(() => undefined);
    },
    get retryAfterUntil() {
      return delivery.retryAfterUntil;
    },
    forceFlush: () => delivery.forceFlush().catch(() => undefined),
    shutdown: () => delivery.shutdown().catch(() => undefined),
  };
}
