import { z } from 'zod';
import { checkEpoch, type UnfreezingDescriptor } from '../unfreezing-schedule';

/**
 * DistilBERT-base's five group names, first to last. In a custom plan they name positions, so a plan written for
 * DistilBERT-base means the same at any depth: `embeddings` is the first group, `head` the last, `layer_4_5` the
 * group under the head, `layer_2_3` the one under that, `layer_0_1` the next.
 */
const GROUP_NAMES = ['embeddings', 'layer_0_1', 'layer_2_3', 'layer_4_5', 'head'] as const;
type GroupName = (typeof GROUP_NAMES)[number];

const groupSet = z
  .array(z.enum(GROUP_NAMES))
  .min(1)
  .refine((groups) => new Set(groups).size === groups.length, 'a group is listed twice');

const options = z
  .object({
    /** One set of trainable groups per epoch; epochs after the last entry keep the last set. */
    epochs: z.array(groupSet).min(1).describe('trainable groups of epoch 1, 2, …; later epochs repeat the last set'),
  })
  .strict();

/**
 * A hand-written unfreezing plan: the trainable groups of each epoch, listed in order, by DistilBERT-base's group
 * names read as positions counted from the top — `head` is the last group and `layer_4_5` the one under it at any
 * depth, `embeddings` the first group; a name below a shallow model's lowest transformer group selects nothing (on
 * 2 layers, `layer_0_1`).
 *
 * @example
 * ```ts
 * const s = custom.create({ epochs: [['head'], ['head', 'layer_4_5', 'layer_2_3']] });
 * s.groupsAt(5, 5); // [2, 3, 4]: DistilBERT-base's layer_2_3, layer_4_5 and head
 * s.groupsAt(5, 4); // [1, 2, 3]: a 2-layer model's layer_0, layer_1 and head
 * ```
 */
export const custom: UnfreezingDescriptor<z.infer<typeof options>> = {
  id: 'custom',
  description: 'A list of trainable group sets, one per epoch; later epochs repeat the last set.',
  optionsSchema: options,
  create: ({ epochs }) => ({
    groupsAt(epoch, groupCount) {
      checkEpoch(epoch);
      if (!Number.isSafeInteger(groupCount) || groupCount < 1) throw new RangeError(`groupCount must be a positive integer, got ${groupCount}`);
      const names = epochs[Math.min(epoch, epochs.length) - 1]!;
      const indices = names.map((name) => positionOf(name, groupCount)).filter((i): i is number => i !== null);
      return [...new Set(indices)].sort((a, b) => a - b);
    },
  }),
};

/** Where a DistilBERT-base group name sits in a model of `groupCount` groups (`null`: below its lowest block). */
function positionOf(name: GroupName, groupCount: number): number | null {
  if (name === 'embeddings') return 0;
  if (name === 'head') return groupCount - 1;
  const index = groupCount - 1 - (GROUP_NAMES.length - 1 - GROUP_NAMES.indexOf(name));
  return index >= 1 ? index : null;
}
