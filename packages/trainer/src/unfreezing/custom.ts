import { z } from 'zod';
import { topGroups } from '../layer-groups';
import { checkEpoch, type UnfreezingDescriptor } from '../unfreezing-schedule';

/** Where the options sit in a plugin error, as the registry names them, so both kinds of error point at one field. */
const EPOCHS_FIELD = 'unfreezing schedule[custom].options.epochs';

/** Said to a plan that still names groups (`head`, `layer_4_5`): names differ from model to model, positions do not. */
const NOT_A_NAME =
  'expected a group index (an integer: -1 the head, -2 the group under it, 0 the first group); a plan names groups by position, not by name';

const groupIndex = z.number({ error: NOT_A_NAME }).int();

/**
 * One epoch's trainable groups, always by position so that a plan means the same at any depth: a count of top
 * groups, every group, or a list of indices.
 */
const epochGroups = z.union([
  z.number().int().positive().describe('the top n groups (fastai freeze_to(-n)); n at or above the group count is every group'),
  z.literal('all').describe('every group, embeddings included (fastai unfreeze())'),
  z
    .array(groupIndex)
    .min(1)
    .refine((indices) => new Set(indices).size === indices.length, 'a group index is listed twice')
    .describe('group indices: -1 the head, -2 the group under it, …; 0 the first group (the embeddings), 1 the next, …'),
]);
type EpochGroups = z.infer<typeof epochGroups>;

const options = z
  .object({
    /** One entry per epoch; epochs after the last entry repeat it. */
    epochs: z.array(epochGroups).min(1).describe('trainable groups of epoch 1, 2, …; later epochs repeat the last entry'),
  })
  .strict();

/**
 * A hand-written unfreezing plan: the trainable groups of each epoch, by position and never by name, so one plan
 * fits a model of any depth whatever its groups are called (the model says what they are). Each epoch is
 * - `n`: the top `n` groups, fastai's `freeze_to(-n)` (`1` is the head alone; an `n` at or above the model's group
 *   count is every group, as in the `ulmfit` schedule);
 * - `'all'`: every group, fastai's `unfreeze()`;
 * - a list of group indices counted as Python and fastai count them: from the top when negative (`-1` the head,
 *   `-2` the group under it), from the bottom otherwise (`0` the first group, the embeddings) — for sets that are
 *   not the top of the stack, e.g. chain-thaw's one group at a time.
 *
 * An index the model does not have is an error, not an empty set: every epoch's entry is checked against the group
 * count at each call, so a plan too deep for the model fails at the first epoch rather than hours into a run.
 *
 * @example
 * ```ts
 * const s = custom.create({ epochs: [1, [-2], [0, -1], 'all'] });
 * s.groupsAt(1, 5); // [4]: the head
 * s.groupsAt(2, 5); // [3]: for DistilBERT-base layer_4_5, the group under the head
 * s.groupsAt(3, 4); // [0, 3]: a 2-layer model's embeddings and head
 * s.groupsAt(9, 4); // [0, 1, 2, 3]: every group
 * ```
 */
export const custom: UnfreezingDescriptor<z.infer<typeof options>> = {
  id: 'custom',
  description:
    'A plan of trainable groups per epoch, by position: n (the top n groups), "all", or group indices (-1 the head, 0 the embeddings); later epochs repeat the last entry.',
  optionsSchema: options,
  create: ({ epochs }) => ({
    groupsAt(epoch, groupCount) {
      checkEpoch(epoch);
      if (!Number.isSafeInteger(groupCount) || groupCount < 1) throw new RangeError(`groupCount must be a positive integer, got ${groupCount}`);
      epochs.forEach((entry, e) => checkFits(entry, e, groupCount));
      return resolve(epochs[Math.min(epoch, epochs.length) - 1]!, groupCount);
    },
  }),
};

/** The positions an entry selects in a model of `groupCount` groups, lowest first. */
function resolve(entry: EpochGroups, groupCount: number): number[] {
  if (entry === 'all') return topGroups(groupCount, groupCount);
  if (typeof entry === 'number') return topGroups(entry, groupCount);
  // -1 and groupCount - 1 are the same group; a set says it once.
  return [...new Set(entry.map((index) => (index < 0 ? groupCount + index : index)))].sort((a, b) => a - b);
}

/** Throws a RangeError naming the field and the allowed indices when an entry lists a group the model lacks. */
function checkFits(entry: EpochGroups, entryIndex: number, groupCount: number): void {
  if (!Array.isArray(entry)) return;
  entry.forEach((index, i) => {
    if (index >= groupCount || index < -groupCount) {
      throw new RangeError(
        `${EPOCHS_FIELD}.${entryIndex}.${i} is group ${index}, but the model has ${groupCount} layer groups: ` +
          `allowed indices are -1 to -${groupCount} (from the head down) and 0 to ${groupCount - 1} (from the embeddings up)`,
      );
    }
  });
}
