import { z } from 'zod';
import type { LayerGroup } from '../layer-groups';
import { checkEpoch, type UnfreezingDescriptor } from '../unfreezing-schedule';

const STAGES: readonly (readonly LayerGroup[])[] = [
  ['head'],
  ['head', 'layer_4_5'],
  ['head', 'layer_4_5', 'layer_2_3'],
  ['head', 'layer_4_5', 'layer_2_3', 'layer_0_1', 'embeddings'],
];

const options = z
  .object({
    /** Epochs spent at each stage before the next group is unfrozen. */
    epochsPerStage: z.number().int().positive().default(1).describe('epochs at each stage before the next group is unfrozen'),
  })
  .strict();

/**
 * ULMFiT gradual unfreezing (Howard & Ruder, 2018): the head alone first, then one more group per stage from the
 * top (`layer_4_5`, then `layer_2_3`), then everything including the embeddings — fastai's `freeze_to(-1)`,
 * `freeze_to(-2)`, `freeze_to(-3)`, `unfreeze()`.
 *
 * @example
 * ```ts
 * const s = ulmfit.create(ulmfit.optionsSchema.parse({}));
 * s.groupsAt(2); // ['head', 'layer_4_5']
 * ```
 */
export const ulmfit: UnfreezingDescriptor<z.infer<typeof options>> = {
  id: 'ulmfit',
  description: 'Gradual unfreezing: epoch 1 head; 2 + layer_4_5; 3 + layer_2_3; 4 onwards every group incl. embeddings.',
  optionsSchema: options,
  create: ({ epochsPerStage }) => ({
    groupsAt(epoch) {
      checkEpoch(epoch);
      return STAGES[Math.min(STAGES.length - 1, Math.floor((epoch - 1) / epochsPerStage))]!;
    },
  }),
};
