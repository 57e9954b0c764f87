/**
 * Throws when a loop option given as a number is not a safe integer of at least `min`; `undefined` (left to its
 * default) passes. The fine-tuning and the masked-LM loops check their step counts with it.
 *
 * @throws RangeError naming the option, the bound and the value
 *
 * @example
 * ```ts
 * checkInteger('batchSize', options.batchSize, 1); // RangeError "batchSize must be an integer >= 1, got 0" for 0
 * ```
 */
export function checkInteger(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
}
