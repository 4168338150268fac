/** An OTel high-resolution time: [seconds, nanoseconds]. Written here so we depend on no SDK module. */
export type HrTime = readonly [number, number];

/** Milliseconds since the epoch of an HrTime. */
export function hrTimeToMillis(time: HrTime): number {
  return time[0] * 1000 + time[1] / 1e6;
}

/** Whole milliseconds from `start` to `end`, never negative. */
export function hrDurationMillis(start: HrTime, end: HrTime): number {
  const ms = (end[0] - start[0]) * 1000 + (end[1] - start[1]) / 1e6;
  return ms > 0 ? Math.trunc(ms) : 0;
}
