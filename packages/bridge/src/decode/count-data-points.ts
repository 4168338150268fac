interface MetricLike {
  readonly [kind: string]: { readonly dataPoints?: readonly unknown[] | null } | unknown;
}

interface MetricsRequestLike {
  readonly resourceMetrics?: ReadonlyArray<{
    readonly scopeMetrics?: ReadonlyArray<{
      readonly metrics?: readonly MetricLike[] | null;
    } | null> | null;
  } | null> | null;
}

const DATA_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

/**
 * The data points of an `ExportMetricsServiceRequest`. Metrics make no task (tasks come from
 * spans and logs), so the bridge only counts them and answers as the spec says.
 */
export function countDataPoints(request: unknown): number {
  let points = 0;
  const resources = (request as MetricsRequestLike).resourceMetrics;
  if (!Array.isArray(resources)) return 0;
  for (const rm of resources) {
    if (rm === null || typeof rm !== 'object' || !Array.isArray(rm.scopeMetrics)) continue;
    for (const sm of rm.scopeMetrics) {
      if (sm === null || typeof sm !== 'object' || !Array.isArray(sm.metrics)) continue;
      for (const metric of sm.metrics) {
        if (metric === null || typeof metric !== 'object') continue;
        for (const kind of DATA_KINDS) {
          const data = metric[kind] as { dataPoints?: unknown } | null | undefined;
          if (data && Array.isArray(data.dataPoints)) points += data.dataPoints.length;
        }
      }
    }
  }
  return points;
}
