import type { TaskUsageStore } from '../conversion/task-usage.js';
import type { MosaicTelemetryConfig, ResolvedMosaicConfig } from '../types.js';

/**
 * What a `MosaicSpanProcessor` in front of an exporter uses of it, kept off the exporter's public
 * type: the usage store it folds into (the exporter only reads it), and flush and shutdown under
 * one deadline that also covers the BatchSpanProcessor between them.
 */
export interface ExporterLink {
  readonly usage: TaskUsageStore;
  /** Runs `step` (the BSP's flush), then flushes the exporter, within one `shutdownTimeoutMs`. */
  flushAfter(step: () => Promise<void>): Promise<void>;
  /** Runs `step` (the BSP's shutdown), then shuts the exporter down, within one deadline. */
  shutdownAfter(step: () => Promise<void>): Promise<void>;
  /** Counts and reports task spans a processor in front dropped (one event each), and why. */
  lost(count: number, why: string): void;
}

const links = new WeakMap<object, ExporterLink>();

/** Registers the link of an exporter (its constructor does). */
export function setExporterLink(exporter: object, link: ExporterLink): void {
  links.set(exporter, link);
}

/** The link of an exporter built by this package. */
export function exporterLinkOf(exporter: object): ExporterLink {
  const link = links.get(exporter);
  if (link === undefined) throw new Error('not a MosaicSpanExporter of this package');
  return link;
}

/** What the processor factory hands the exporter it builds: its config resolved, its store. */
export interface ExporterWiring {
  readonly resolved: ResolvedMosaicConfig;
  readonly usage: TaskUsageStore;
  readonly retryBaseDelayMs: number | undefined;
}

/** Module-private: only this package can build a config carrying wiring. */
const WIRING = Symbol('MosaicSpanExporter wiring');

/** The argument of `new MosaicSpanExporter(...)` that wires it into a pipeline. */
export function wiredConfig(wiring: ExporterWiring): MosaicTelemetryConfig {
  return { [WIRING]: wiring } as MosaicTelemetryConfig;
}

/** The wiring a config carries, if the processor factory built it. */
export function wiringOf(config: MosaicTelemetryConfig | undefined): ExporterWiring | undefined {
  if (typeof config !== 'object' || config === null) return undefined;
  return (config as { [WIRING]?: ExporterWiring })[WIRING];
}
