/**
 * The `q`-quantile of `values` (0 ≤ q ≤ 1), interpolated between the two nearest order statistics (R's type 7,
 * numpy's default); NaN when there are none. The input is not reordered.
 *
 * @throws RangeError when `q` is outside [0, 1]
 *
 * @example
 * ```ts
 * quantile([1, 2, 3, 4], 0.25); // 1.75
 * quantile([3, 1, 2], 0.5); // 2
 * ```
 */
export function quantile(values: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

/**
 * The median of `values` (the mean of the middle two for an even count); NaN when there are none. The input is not
 * reordered.
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * median([4, 1, 3, 2]); // 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
