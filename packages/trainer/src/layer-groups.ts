import type * as tf from '@tensorflow/tfjs-core';

/** One parameter group of a classifier: its name (for logs and checkpoints) and its variables. */
export interface LayerGroup {
  readonly name: string;
  readonly variables: readonly tf.Variable[];
}

/**
 * A classifier's groups as a list, in the order its `variablesByGroup()` lists them: the first (most general,
 * the embeddings) to the last (the head). The model says what the groups are; schedules and learning rates speak of
 * them by position only, so any depth works.
 *
 * @throws RangeError when the classifier lists no group, or names one with an integer (records reorder those)
 *
 * @example
 * ```ts
 * orderedGroups(classifier.variablesByGroup()).map((g) => g.name);
 * // ['embeddings', 'layer_0', 'layer_1_2', 'layer_3', 'head'] for the 4-layer stand-in
 * ```
 */
export function orderedGroups(byGroup: Readonly<Record<string, readonly tf.Variable[]>>): LayerGroup[] {
  const groups = Object.entries(byGroup).map(([name, variables]) => ({ name, variables }));
  if (groups.length === 0) throw new RangeError('the classifier lists no layer group; variablesByGroup() must name at least the head');
  // A record lists integer-like keys first, whatever order they were added in, so such a name would move its group.
  const numeric = groups.find((g) => /^(0|[1-9]\d*)$/.test(g.name));
  if (numeric) throw new RangeError(`layer group name "${numeric.name}" is an integer, which a record reorders; name groups with letters (e.g. layer_${numeric.name})`);
  return groups;
}

/**
 * The indices of the top `n` of `groupCount` groups, lowest first — fastai's `freeze_to(-n)`: `topGroups(1, c)` is
 * the head alone; an `n` of `groupCount` or more is every group.
 *
 * @throws RangeError when `n` or `groupCount` is not a positive integer
 *
 * @example
 * ```ts
 * topGroups(2, 5); // [3, 4]: the block under the head, and the head
 * ```
 */
export function topGroups(n: number, groupCount: number): number[] {
  checkGroupCount(groupCount);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  const first = Math.max(0, groupCount - n);
  return Array.from({ length: groupCount - first }, (_, i) => first + i);
}

/**
 * Discriminative learning rates by position: the last group (the head) trains at `baseLr` and each group below at
 * the rate of the group above divided by `decay` (ULMFiT's 2.6), so lower layers, which hold more general features,
 * move less. Returned in group order, first to last.
 *
 * @throws RangeError when `baseLr` is not positive, `decay` is below 1 or `groupCount` is not a positive integer
 *
 * @example
 * ```ts
 * discriminativeRates(3e-5, 2.6, 5);
 * // [6.57e-7, 1.71e-6, 4.44e-6, 1.15e-5, 3e-5] (rounded): embeddings, three transformer blocks, head
 * ```
 */
export function discriminativeRates(baseLr: number, decay: number, groupCount: number): number[] {
  checkRate('baseLr', baseLr);
  if (!(decay >= 1) || !Number.isFinite(decay)) throw new RangeError(`decay must be a number >= 1, got ${decay}`);
  checkGroupCount(groupCount);
  return Array.from({ length: groupCount }, (_, i) => baseLr / decay ** (groupCount - 1 - i));
}

/**
 * Discriminative learning rates as fastai's `slice(low, high)`: the first group trains at `low`, the last (the head)
 * at `high`, and the groups between at rates spread geometrically, so every step down divides by the same factor
 * whatever the model's depth. One group trains at `high`.
 *
 * @throws RangeError when a rate is not positive, `low` exceeds `high`, or `groupCount` is not a positive integer
 *
 * @example
 * ```ts
 * spreadRates(6.57e-7, 3e-5, 5); // [6.57e-7, 1.71e-6, 4.44e-6, 1.15e-5, 3e-5] (rounded): ÷ 2.6 per group
 * ```
 */
export function spreadRates(low: number, high: number, groupCount: number): number[] {
  checkRate('low', low);
  checkRate('high', high);
  if (low > high) throw new RangeError(`low (${low}) must not exceed high (${high})`);
  checkGroupCount(groupCount);
  if (groupCount === 1) return [high];
  return Array.from({ length: groupCount }, (_, i) => (i === groupCount - 1 ? high : low * (high / low) ** (i / (groupCount - 1))));
}

function checkRate(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number, got ${value}`);
}

function checkGroupCount(groupCount: number): void {
  if (!Number.isSafeInteger(groupCount) || groupCount < 1) throw new RangeError(`groupCount must be a positive integer, got ${groupCount}`);
}
