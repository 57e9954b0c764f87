import { z } from 'zod';
import { LAYER_GROUPS } from '../layer-groups';
import { checkEpoch, type UnfreezingDescriptor } from '../unfreezing-schedule';

const groupSet = z
  .array(z.enum(LAYER_GROUPS))
  .min(1)
  .refine((groups) => new Set(groups).size === groups.length, 'a group is listed twice');

const options = z
  .object({
    /** One set of trainable groups per epoch; epochs after the last entry keep the last set. */
    epochs: z.array(groupSet).min(1).describe('trainable groups of epoch 1, 2, …; later epochs repeat the last set'),
  })
  .strict();

/**
 * A hand-written unfreezing plan: the trainable groups of each epoch, listed in order.
 *
 * @example
 * ```ts
 * const s = custom.create({ epochs: [['head'], ['head', 'layer_4_5', 'layer_2_3']] });
 * s.groupsAt(5); // ['head', 'layer_4_5', 'layer_2_3']
 * ```
 */
export const custom: UnfreezingDescriptor<z.infer<typeof options>> = {
  id: 'custom',
  description: 'A list of trainable group sets, one per epoch; later epochs repeat the last set.',
  optionsSchema: options,
  create: ({ epochs }) => ({
    groupsAt(epoch) {
      checkEpoch(epoch);
      return epochs[Math.min(epoch, epochs.length) - 1]!;
    },
  }),
};
