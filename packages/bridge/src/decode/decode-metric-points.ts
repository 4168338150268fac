import { createHash } from 'node:crypto';
import type { Attributes } from '@opentelemetry/api';
import { MAX_KEPT_VALUE_CHARS } from '../model/kept-attributes.js';
import type { MetricFilter } from '../model/metric-filter.js';
import type { MetricPoint } from '../model/metric-point.js';
import { senderSession } from '../model/sender-session.js';
import { int64ToNumber, nanosToMillis } from './nanos-to-millis.js';
import { type KeyValueLike, readAttributes, readEveryAttribute } from './read-attributes.js';

interface PointLike {
  readonly attributes?: readonly KeyValueLike[] | null;
  readonly startTimeUnixNano?: unknown;
  readonly timeUnixNano?: unknown;
  /** The set member of a protobufjs `NumberDataPoint`'s `value` oneof. */
  readonly value?: unknown;
  readonly asDouble?: unknown;
  readonly asInt?: unknown;
  /** A histogram point's sum. */
  readonly sum?: unknown;
  readonly flags?: unknown;
}

interface DataLike {
  readonly dataPoints?: readonly (PointLike | null)[] | null;
  readonly aggregationTemporality?: unknown;
  readonly isMonotonic?: unknown;
}

interface MetricLike {
  readonly name?: unknown;
  readonly unit?: unknown;
  readonly [kind: string]: unknown;
}

interface MetricsRequestLike {
  readonly resourceMetrics?: ReadonlyArray<{
    readonly resource?: { readonly attributes?: readonly KeyValueLike[] | null } | null;
    readonly scopeMetrics?: ReadonlyArray<{
      readonly scope?: { readonly name?: unknown; readonly version?: unknown } | null;
      readonly metrics?: readonly (MetricLike | null)[] | null;
    } | null> | null;
  } | null> | null;
}

/** What decoding one `ExportMetricsServiceRequest` gave. */
export interface DecodedMetrics {
  /** The points of metrics some source reads, as monotonic sums or histogram sums. */
  readonly records: MetricPoint[];
  /** Every data point of the request, of any metric and kind (for `stats.received`). */
  readonly dataPoints: number;
}

const DATA_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;
/** `DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK`: the point holds no value. */
const NO_RECORDED_VALUE = 1;

/** Attributes in one canonical text (sorted keys), for a digest. */
const canonical = (attrs: Attributes): string =>
  JSON.stringify(
    Object.keys(attrs)
      .sort()
      .map((k) => [k, attrs[k]]),
  );

const digest = (text: string): string =>
  createHash('sha256').update(text).digest('base64url').slice(0, 22);

function temporalityOf(value: unknown): MetricPoint['temporality'] | undefined {
  if (value === 1 || value === 'AGGREGATION_TEMPORALITY_DELTA') return 'delta';
  if (value === 2 || value === 'AGGREGATION_TEMPORALITY_CUMULATIVE') return 'cumulative';
  return undefined;
}

/** A finite number from a double (a number, or a string in JSON) or an int64 (Long, string). */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'string' && value !== '' && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return int64ToNumber(value);
}

/** A sum point's value: the member its `value` oneof names (protobufjs), else the one set (JSON). */
function sumValue(p: PointLike): number | undefined {
  const which = typeof p.value === 'string' ? p.value : undefined;
  if (which === 'asInt') return numberOf(p.asInt);
  if (which === 'asDouble') return numberOf(p.asDouble);
  return numberOf(p.asDouble) ?? numberOf(p.asInt);
}

function keep(attrs: Attributes, isKept: (key: string) => boolean): Attributes {
  const kept: Attributes = {};
  for (const key in attrs) if (isKept(key)) kept[key] = attrs[key];
  return kept;
}

/** The resource attributes a task event reads: `service.name` (harness) and `mosaic.*`. */
const isEventResourceKey = (key: string): boolean =>
  key === 'service.name' || key.startsWith('mosaic.');

/**
 * The data points of an `ExportMetricsServiceRequest` (protobufjs message or OTLP/JSON) that the
 * sources read: monotonic sums and histograms (their sum) of the metrics `filter` names, with a
 * known temporality and a recorded value; every point is counted. A point keeps only the
 * attributes `filter` names, and of its resource only what an event reads; its stream is told
 * apart by a digest of all of them, and its sender session is read from the whole resource.
 */
export function decodeMetricPoints(request: unknown, filter: MetricFilter): DecodedMetrics {
  const records: MetricPoint[] = [];
  let dataPoints = 0;
  const pointKeys = filter.attributeKeys;
  const resources = (request as MetricsRequestLike | null | undefined)?.resourceMetrics;
  if (!Array.isArray(resources)) return { records, dataPoints };
  for (const rm of resources) {
    if (rm === null || typeof rm !== 'object' || !Array.isArray(rm.scopeMetrics)) continue;
    let resourceAttributes: Attributes | undefined;
    let resource = '';
    let session = '';
    for (const sm of rm.scopeMetrics) {
      if (sm === null || typeof sm !== 'object' || !Array.isArray(sm.metrics)) continue;
      const scope = `${String(sm.scope?.name ?? '')}\u0000${String(sm.scope?.version ?? '')}`;
      for (const metric of sm.metrics) {
        if (metric === null || typeof metric !== 'object') continue;
        for (const kind of DATA_KINDS) {
          const data = metric[kind] as DataLike | null | undefined;
          if (data && Array.isArray(data.dataPoints)) dataPoints += data.dataPoints.length;
        }
        const name = metric.name;
        if (typeof name !== 'string' || !filter.names.has(name)) continue;
        const sum = metric.sum as DataLike | null | undefined;
        const histogram = metric.histogram as DataLike | null | undefined;
        const data = sum && Array.isArray(sum.dataPoints) ? sum : histogram;
        if (!data || !Array.isArray(data.dataPoints)) continue;
        // An up-down counter's cumulative value may fall: no usage counter is one.
        if (data === sum && sum.isMonotonic !== true) continue;
        const temporality = temporalityOf(data.aggregationTemporality);
        if (temporality === undefined) continue;
        if (resourceAttributes === undefined) {
          const all = readAttributes(rm.resource?.attributes, filter.resource);
          resource = digest(canonical(all));
          session = senderSession(all);
          resourceAttributes = keep(all, isEventResourceKey);
        }
        const unit =
          typeof metric.unit === 'string' && metric.unit !== '' ? metric.unit : undefined;
        for (const p of data.dataPoints) {
          if (p === null || typeof p !== 'object') continue;
          if (typeof p.flags === 'number' && (p.flags & NO_RECORDED_VALUE) !== 0) continue;
          const value = data === sum ? sumValue(p) : numberOf(p.sum);
          const timeMs = nanosToMillis(p.timeUnixNano);
          if (value === undefined || value < 0 || timeMs <= 0) continue;
          // Every attribute tells streams apart; only the declared ones are kept.
          const all = readEveryAttribute(p.attributes, MAX_KEPT_VALUE_CHARS);
          records.push({
            metric: name,
            unit,
            temporality,
            value,
            startMs: nanosToMillis(p.startTimeUnixNano),
            timeMs,
            stream: digest(`${resource}\u0000${scope}\u0000${name}\u0000${canonical(all)}`),
            attributes: keep(all, (key) => pointKeys.has(key)),
            resourceAttributes,
            senderSession: session,
          });
        }
      }
    }
  }
  return { records, dataPoints };
}
