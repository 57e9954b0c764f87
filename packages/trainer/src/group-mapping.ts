import type * as tf from '@tensorflow/tfjs-core';
import { LAYER_GROUPS, type LayerGroup } from './layer-groups';

/** The model's variables under the trainer's five group names, and which model group fills each. */
export interface CanonicalGroups {
  readonly variables: Readonly<Record<LayerGroup, readonly tf.Variable[]>>;
  /** The model's own group name behind each canonical group (`null` when the model has nothing there). */
  readonly modelGroups: Readonly<Record<LayerGroup, string | null>>;
}

const TRANSFORMER_SLOTS: readonly LayerGroup[] = ['layer_0_1', 'layer_2_3', 'layer_4_5'];

/**
 * Maps a classifier's layer groups onto the trainer's five canonical groups. `embeddings` and `head` map to
 * themselves; the transformer blocks (`layer_<first>[_<last>]`, e.g. `layer_0`, `layer_1_2`, `layer_3` for the
 * 4-layer stand-in) are ordered by first layer and aligned from the top: the block under the head becomes
 * `layer_4_5`, the next `layer_2_3`, then `layer_0_1`. So "unfreeze layer_4_5 in epoch 2" always means the block
 * just below the head, and DistilBERT-base's own names map to themselves.
 *
 * @throws RangeError naming the group for a name that is neither of these, or for more than three blocks
 *
 * @example
 * ```ts
 * canonicalGroups({ embeddings: [e], layer_0: [a], layer_1_2: [b], layer_3: [c], head: [h] }).modelGroups;
 * // { embeddings: 'embeddings', layer_0_1: 'layer_0', layer_2_3: 'layer_1_2', layer_4_5: 'layer_3', head: 'head' }
 * ```
 */
export function canonicalGroups(byGroup: Readonly<Record<string, readonly tf.Variable[]>>): CanonicalGroups {
  const variables = Object.fromEntries(LAYER_GROUPS.map((g) => [g, [] as readonly tf.Variable[]])) as Record<LayerGroup, readonly tf.Variable[]>;
  const modelGroups = Object.fromEntries(LAYER_GROUPS.map((g) => [g, null])) as Record<LayerGroup, string | null>;
  const blocks: { name: string; first: number }[] = [];
  for (const name of Object.keys(byGroup)) {
    if (name === 'embeddings' || name === 'head') {
      variables[name] = byGroup[name]!;
      modelGroups[name] = name;
      continue;
    }
    const match = /^layer_(\d+)(?:_(\d+))?$/.exec(name);
    if (!match) {
      throw new RangeError(
        `classifier group "${name}" is not a layer group; expected embeddings, head or layer_<first>[_<last>] (e.g. layer_0_1)`,
      );
    }
    blocks.push({ name, first: Number(match[1]) });
  }
  if (blocks.length > TRANSFORMER_SLOTS.length) {
    throw new RangeError(
      `classifier has ${blocks.length} transformer groups (${blocks.map((b) => b.name).join(', ')}); the trainer's schedules address at most 3`,
    );
  }
  blocks.sort((a, b) => a.first - b.first);
  const offset = TRANSFORMER_SLOTS.length - blocks.length;
  blocks.forEach((block, i) => {
    const slot = TRANSFORMER_SLOTS[offset + i]!;
    variables[slot] = byGroup[block.name]!;
    modelGroups[slot] = block.name;
  });
  return { variables, modelGroups };
}
