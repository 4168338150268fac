/** Which metric data points the decode path keeps, and which of their attributes. */
export interface MetricFilter {
  /** Metric names some source reads. */
  readonly names: ReadonlySet<string>;
  /** Data point attribute keys some source reads; the others are not kept. */
  readonly attributeKeys: ReadonlySet<string>;
  /** Resource attribute keys kept (those of spans and logs: one sender session digest for all). */
  readonly resource: ReadonlyMap<string, number>;
}
