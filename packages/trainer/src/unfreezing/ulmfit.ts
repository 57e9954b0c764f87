import { z } from 'zod';
import { topGroups } from '../layer-groups';
import { checkEpoch, type UnfreezingDescriptor } from '../unfreezing-schedule';

/** How many top groups train in each gradual stage (fastai's freeze_to(-1), (-2), (-3)); a last stage trains all. */
const GRADUAL_STAGES = [1, 2, 3] as const;

const options = z
  .object({
    /** Epochs spent at each stage before the next group is unfrozen. */
    epochsPerStage: z.number().int().positive().default(1).describe('epochs at each stage before the next group is unfrozen'),
  })
  .strict();

/**
 * ULMFiT gradual unfreezing (Howard & Ruder, 2018), by position from the top: the head alone first, then one more
 * group per stage (the block under the head, then the one under that), then every group including the embeddings —
 * fastai's `freeze_to(-1)`, `freeze_to(-2)`, `freeze_to(-3)`, `unfreeze()`. A gradual stage never reaches the first
 * group (the embeddings), which waits for the last stage as in the design's schedule; this only matters for a 1-layer
 * model, whose three groups would otherwise all train from stage 3.
 *
 * @example
 * ```ts
 * const s = ulmfit.create(ulmfit.optionsSchema.parse({}));
 * s.groupsAt(2, 5); // [3, 4]: for DistilBERT-base layer_4_5 and the head
 * s.groupsAt(4, 4); // [0, 1, 2, 3]: a 2-layer model, every group
 * ```
 */
export const ulmfit: UnfreezingDescriptor<z.infer<typeof options>> = {
  id: 'ulmfit',
  description:
    'Gradual unfreezing from the top: epoch 1 the head; 2 + the group under it; 3 + the next; 4 onwards every group incl. the embeddings.',
  optionsSchema: options,
  create: ({ epochsPerStage }) => ({
    groupsAt(epoch, groupCount) {
      checkEpoch(epoch);
      const stage = Math.floor((epoch - 1) / epochsPerStage);
      if (stage >= GRADUAL_STAGES.length) return topGroups(groupCount, groupCount);
      return topGroups(Math.max(1, Math.min(GRADUAL_STAGES[stage]!, groupCount - 1)), groupCount);
    },
  }),
};
