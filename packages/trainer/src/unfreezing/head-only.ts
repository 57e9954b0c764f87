import { z } from 'zod';
import { checkEpoch, type UnfreezingDescriptor } from '../unfreezing-schedule';

const options = z.object({}).strict();

/**
 * Trains the classification head only: the encoder stays frozen (a linear-probe style baseline).
 *
 * @example
 * ```ts
 * headOnly.create({}).groupsAt(3); // ['head']
 * ```
 */
export const headOnly: UnfreezingDescriptor<z.infer<typeof options>> = {
  id: 'head-only',
  description: 'Only the classification head trains; the encoder stays frozen in every epoch.',
  optionsSchema: options,
  create: () => ({
    groupsAt(epoch) {
      checkEpoch(epoch);
      return ['head'];
    },
  }),
};
