import { z } from 'zod';
import { topGroups } from '../layer-groups';
import { checkEpoch, type UnfreezingDescriptor } from '../unfreezing-schedule';

const options = z.object({}).strict();

/**
 * Trains the classification head (the last group) only: the encoder stays frozen (a linear-probe style baseline,
 * fastai's `freeze()`).
 *
 * @example
 * ```ts
 * headOnly.create({}).groupsAt(3, 5); // [4]
 * ```
 */
export const headOnly: UnfreezingDescriptor<z.infer<typeof options>> = {
  id: 'head-only',
  description: 'Only the classification head trains; the encoder stays frozen in every epoch.',
  optionsSchema: options,
  create: () => ({
    groupsAt(epoch, groupCount) {
      checkEpoch(epoch);
      return topGroups(1, groupCount);
    },
  }),
};
