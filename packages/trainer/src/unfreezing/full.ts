import { z } from 'zod';
import { DEPTH_ORDER } from '../layer-groups';
import { checkEpoch, type UnfreezingDescriptor } from '../unfreezing-schedule';

const options = z.object({}).strict();

/**
 * Every group trains from the first epoch (ordinary fine-tuning; discriminative rates still apply).
 *
 * @example
 * ```ts
 * full.create({}).groupsAt(1); // ['head', 'layer_4_5', 'layer_2_3', 'layer_0_1', 'embeddings']
 * ```
 */
export const full: UnfreezingDescriptor<z.infer<typeof options>> = {
  id: 'full',
  description: 'Every layer group, embeddings included, trains from the first epoch.',
  optionsSchema: options,
  create: () => ({
    groupsAt(epoch) {
      checkEpoch(epoch);
      return DEPTH_ORDER;
    },
  }),
};
