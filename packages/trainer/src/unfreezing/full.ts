import { z } from 'zod';
import { topGroups } from '../layer-groups';
import { checkEpoch, type UnfreezingDescriptor } from '../unfreezing-schedule';

const options = z.object({}).strict();

/**
 * Every group trains from the first epoch (ordinary fine-tuning, fastai's `unfreeze()`; discriminative rates still
 * apply).
 *
 * @example
 * ```ts
 * full.create({}).groupsAt(1, 5); // [0, 1, 2, 3, 4]
 * ```
 */
export const full: UnfreezingDescriptor<z.infer<typeof options>> = {
  id: 'full',
  description: 'Every layer group, embeddings included, trains from the first epoch.',
  optionsSchema: options,
  create: () => ({
    groupsAt(epoch, groupCount) {
      checkEpoch(epoch);
      return topGroups(groupCount, groupCount);
    },
  }),
};
