import type { TaskUsageStore } from '../conversion/task-usage.js';

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
