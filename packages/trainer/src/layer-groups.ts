/**
 * The five parameter groups of the classifier, as the model's splitter defines them (in the order the forward pass
 * meets them). Schedules name groups; the model lists the variables of each.
 */
export const LAYER_GROUPS = ['embeddings', 'layer_0_1', 'layer_2_3', 'layer_4_5', 'head'] as const;

/** One parameter group of the classifier. */
export type LayerGroup = (typeof LAYER_GROUPS)[number];

/**
 * Groups from the output inwards: the discriminative depth of a group is its index here (head 0 … embeddings 4).
 *
 * @example
 * ```ts
 * DEPTH_ORDER.indexOf('layer_2_3'); // 2
 * ```
 */
export const DEPTH_ORDER: readonly LayerGroup[] = ['head', 'layer_4_5', 'layer_2_3', 'layer_0_1', 'embeddings'];

/**
 * True when `value` names a layer group.
 *
 * @example
 * ```ts
 * isLayerGroup('head'); // true
 * isLayerGroup('layer_1'); // false
 * ```
 */
export function isLayerGroup(value: unknown): value is LayerGroup {
  return typeof value === 'string' && (LAYER_GROUPS as readonly string[]).includes(value);
}

/**
 * Discriminative learning rates: the head trains at `baseLr` and each deeper group at the rate of the group above
 * divided by `decay` (ULMFiT's 2.6), so lower layers, which hold more general features, move less.
 *
 * @throws RangeError when `baseLr` is not positive or `decay` is below 1
 *
 * @example
 * ```ts
 * discriminativeRates(3e-5, 2.6);
 * // { head: 3e-5, layer_4_5: 1.15e-5, layer_2_3: 4.44e-6, layer_0_1: 1.71e-6, embeddings: 6.57e-7 } (rounded)
 * ```
 */
export function discriminativeRates(baseLr: number, decay: number): Record<LayerGroup, number> {
  if (!(baseLr > 0) || !Number.isFinite(baseLr)) throw new RangeError(`baseLr must be a positive number, got ${baseLr}`);
  if (!(decay >= 1) || !Number.isFinite(decay)) throw new RangeError(`decay must be a number >= 1, got ${decay}`);
  const rates = {} as Record<LayerGroup, number>;
  DEPTH_ORDER.forEach((group, depth) => {
    rates[group] = baseLr / decay ** depth;
  });
  return rates;
}
