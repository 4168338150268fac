// The ONLY module of the bridge that touches the exporter's internals. It offers the neutral span
// record contract (SpanRecord, readModelCall, foldModelCalls, toProvider) and a delivery of
// finished task records, so that the bridge and the in-process exporter share one converter, one
// usage reader and one delivery path. Until `@mosaicstack/telemetry-exporter/core` exists, it
// adapts a SpanRecord to the exporter's ReadableSpanLike and delivers through MosaicSpanExporter;
// when the core subpath lands, only this file changes.
import type { Provider } from '@mosaicstack/telemetry-semconv';
import type { Attributes, SpanContext } from '@opentelemetry/api';
import { reportConfig } from '../../../exporter/src/config/report-config.js';
import { resolveConfig } from '../../../exporter/src/config/resolve-config.js';
import { toProvider as exporterToProvider } from '../../../exporter/src/conversion/to-provider.js';
import { MosaicSpanExporter } from '../../../exporter/src/exporter/mosaic-span-exporter.js';
import type { ReadableSpanLike } from '../../../exporter/src/otel/otel-types.js';
import type { MosaicTelemetryConfig } from '../../../exporter/src/types.js';
import { readModelCall as readSpanModelCall } from '../../../exporter/src/usage/llm-call-usage.js';

export type { MosaicTelemetryConfig };

/** A finished span, independent of where it came from (an OTel SDK ReadableSpan or decoded OTLP). */
export interface SpanRecord {
  /** 32 lower-case hex chars. */
  readonly traceId: string;
  /** 16 lower-case hex chars. */
  readonly spanId: string;
  /** 16 hex chars, undefined for a root. */
  readonly parentSpanId: string | undefined;
  readonly name: string;
  /** `SpanKind` numbering (INTERNAL=0 ... CONSUMER=4). */
  readonly kind: number;
  /** Epoch milliseconds (fractional allowed). */
  readonly startTimeMs: number;
  readonly endTimeMs: number;
  /** 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly attributes: Attributes;
  readonly resourceAttributes: Attributes;
  readonly scopeName: string | undefined;
}

/** One model call's usage as the one dialect normaliser reads it. */
export interface ModelCall {
  readonly kind: 'call' | 'wrapper' | 'embedding';
  readonly inputTokens?: number | undefined;
  readonly outputTokens?: number | undefined;
  readonly model?: string | undefined;
  readonly provider?: Provider | undefined;
}

/** Model-call usage folded into a task. */
export interface TaskUsage {
  inputTokens: number;
  outputTokens: number;
  model: string | undefined;
  provider: Provider | undefined;
}

/** A model call with its place in the tree, for folding. */
export interface FoldableCall {
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly call: ModelCall;
}

/** A finished task, ready for conversion: its record (allowlisted keys only are read) and usage. */
export interface TaskToDeliver {
  readonly record: SpanRecord;
  readonly usage?: TaskUsage | undefined;
}

/** Delivery of finished tasks upstream: converts, chunks, retries; never rejects. */
export interface TaskDelivery {
  /** Whether events leave at all (a valid config that is switched on). */
  readonly enabled: boolean;
  deliver(tasks: readonly TaskToDeliver[]): Promise<void>;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

const HR_MS = 1e3;
const toHrTime = (ms: number): [number, number] => {
  const seconds = Math.floor(ms / HR_MS);
  return [seconds, Math.round((ms - seconds * HR_MS) * 1e6)];
};

/** The exporter's structural span, read-only, over a SpanRecord. */
function spanOf(record: SpanRecord): ReadableSpanLike {
  const context: SpanContext = { traceId: record.traceId, spanId: record.spanId, traceFlags: 1 };
  return {
    name: record.name,
    kind: record.kind,
    spanContext: () => context,
    parentSpanContext:
      record.parentSpanId === undefined
        ? undefined
        : { traceId: record.traceId, spanId: record.parentSpanId, traceFlags: 1 },
    startTime: toHrTime(record.startTimeMs),
    endTime: toHrTime(record.endTimeMs),
    status: { code: record.statusCode },
    attributes: record.attributes,
    instrumentationScope:
      record.scopeName === undefined ? undefined : { name: record.scopeName, version: undefined },
    ended: true,
  };
}

/** The one dialect normaliser of model-call spans (GenAI, AI SDK, OpenInference, OpenLLMetry). */
export function readModelCall(record: SpanRecord): ModelCall | undefined {
  return readSpanModelCall({
    name: record.name,
    attributes: record.attributes,
  } as ReadableSpanLike);
}

/** Maps any provider string to the wire enum. */
export function toProvider(raw: string): Provider {
  return exporterToProvider(raw);
}

/**
 * Folds the model calls beneath one task, each counted once: only innermost calls count (a call
 * with a counted call beneath it is a wrapper carrying totals). Interim stand-in for the core's
 * `foldModelCalls` (same rule as the in-process processor), removed when the core lands.
 */
export function foldModelCalls(calls: readonly FoldableCall[]): TaskUsage {
  const usage: TaskUsage = {
    inputTokens: 0,
    outputTokens: 0,
    model: undefined,
    provider: undefined,
  };
  const byId = new Map<string, FoldableCall>();
  for (const c of calls) byId.set(c.spanId, c);
  const covered = new Set<string>();
  for (const c of calls) {
    if (c.call.kind !== 'call') continue;
    for (let p = c.parentSpanId; p !== undefined; p = byId.get(p)?.parentSpanId) {
      if (covered.has(p)) break;
      covered.add(p);
    }
  }
  for (const c of calls) {
    if (c.call.kind !== 'call' || covered.has(c.spanId)) continue;
    usage.model ??= c.call.model;
    usage.provider ??= c.call.provider;
    usage.inputTokens += c.call.inputTokens ?? 0;
    usage.outputTokens += c.call.outputTokens ?? 0;
  }
  return usage;
}

/**
 * Delivery of finished tasks through the exporter's conversion (allowlist, corrections, event id
 * from trace id + span id) and its delivery (<=100-event requests, retries, carry-over, diag).
 * Starting a bridge is the opt-in, so `enabled` defaults to true; `MOSAIC_TELEMETRY_ENABLED=0`
 * still switches delivery off.
 */
export function createTaskDelivery(config: MosaicTelemetryConfig | undefined): TaskDelivery {
  const resolved = resolveConfig({ enabled: true, ...config });
  reportConfig(resolved);
  const exporter = new MosaicSpanExporter(undefined, { resolved });
  return {
    enabled: resolved.enabled,
    deliver(tasks) {
      if (tasks.length === 0) return Promise.resolve();
      const spans: ReadableSpanLike[] = [];
      for (const task of tasks) {
        const span = spanOf(task.record);
        if (task.usage !== undefined) exporter.usage.set(span, { ...task.usage, calls: 1 });
        spans.push(span);
      }
      return new Promise<void>((resolve) => {
        try {
          exporter.export(spans, () => resolve());
        } catch {
          resolve();
        }
      });
    },
    forceFlush: () => exporter.forceFlush().catch(() => undefined),
    shutdown: () => exporter.shutdown().catch(() => undefined),
  };
}
