// The exact percentile the devserver's predictions are checked against (numpy's default method):
// a test oracle, not shipped; the server reads percentiles from its per-bucket histograms.
/**
 * The `p` quantile (0..1) of ascending `sorted` values, interpolating linearly between the closest
 * ranks like numpy's default method. NaN for an empty list.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (sorted.length - 1) * p;
  const lower = Math.floor(rank);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (rank - lower) * (high - low);
}
