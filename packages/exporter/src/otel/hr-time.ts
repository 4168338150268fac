/** An OTel high-resolution time: [seconds, nanoseconds]. Written here so we depend on no SDK module. */
export type HrTime = readonly [number, number];

/** Milliseconds since the epoch of an HrTime. */
export function hrTimeToMillis(time: HrTime): number {
  return time[0] * 1000 + time[1] / 1e6;
}
