/** Name of the embeddings group (the first, most general, unfrozen last). */
export const EMBEDDINGS_GROUP = 'embeddings';
/** Name of the classification head group (the last, trained from the start). */
export const HEAD_GROUP = 'head';

/**
 * The transformer blocks split into (at most) three contiguous groups, as evenly as rounding allows: the design's
 * three blocks of DistilBERT-base (6 layers: 0–1, 2–3, 4–5) at any depth, so ULMFiT's stages — the head, then one
 * more group from the top per stage, then everything — keep their number and proportions: 4 layers give [0], [1, 2],
 * [3]; 12 give [0–3], [4–7], [8–11]; 2 give [0], [1]; 1 gives [0].
 *
 * @example
 * ```ts
 * transformerLayerBlocks(6); // [[0, 1], [2, 3], [4, 5]]
 * ```
 */
export function transformerLayerBlocks(nLayers: number): number[][] {
  if (!Number.isInteger(nLayers) || nLayers < 1) throw new RangeError(`nLayers must be a positive integer, got ${nLayers}`);
  const groups = Math.min(3, nLayers);
  const blocks: number[][] = [];
  for (let g = 0; g < groups; g++) {
    const start = Math.round((g * nLayers) / groups);
    const end = Math.round(((g + 1) * nLayers) / groups);
    blocks.push(Array.from({ length: end - start }, (_, i) => start + i));
  }
  return blocks;
}

/** `layer_<first>_<last>` for a block of several layers, `layer_<i>` for one. */
export function layerGroupName(block: readonly number[]): string {
  return block.length === 1 ? `layer_${block[0]}` : `layer_${block[0]}_${block.at(-1)}`;
}

/**
 * The layer groups for gradual unfreezing and discriminative rates, first (most general) to last: `embeddings`, the
 * transformer blocks of {@link transformerLayerBlocks}, `head` — the one place that says what the groups are (the
 * splitter, in fastai's terms). The trainer addresses them by position only (the head is the last group; "the top n
 * groups" are the last n); the names label logs, reports and checkpoints. For DistilBERT-base: embeddings,
 * layer_0_1, layer_2_3, layer_4_5, head; for the 4-layer stand-in: embeddings, layer_0, layer_1_2, layer_3, head.
 *
 * @example
 * ```ts
 * layerGroupNames(6); // ['embeddings', 'layer_0_1', 'layer_2_3', 'layer_4_5', 'head']
 * ```
 */
export function layerGroupNames(nLayers: number): string[] {
  return [EMBEDDINGS_GROUP, ...transformerLayerBlocks(nLayers).map(layerGroupName), HEAD_GROUP];
}
