/** This package's version (kept equal to package.json by a test). */
export const VERSION = '0.1.0';

/** The `User-Agent` of every request (docs/wire-protocol.md). */
export const USER_AGENT = `mosaicstack-telemetry-otel/${VERSION}`;
