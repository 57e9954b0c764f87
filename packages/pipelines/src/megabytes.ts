/**
 * A byte count as the CLI prints it, in decimal megabytes with one decimal.
 *
 * @example
 * ```ts
 * megabytes(42_467_328); // '42.5 MB'
 * ```
 */
export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
