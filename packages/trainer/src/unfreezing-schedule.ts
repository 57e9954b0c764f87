import type { PluginDescriptor } from '@mangaassist/common';

/**
 * Which layer groups train in each epoch, by position in the model's group list (0 = the first group, the
 * embeddings; `groupCount - 1` = the last, the head). A schedule never names a model's groups, so the same schedule
 * works at any depth; the model (core-model's splitter) says what the groups are. Groups not returned are frozen:
 * they get no gradients and no optimizer state (the trainer computes gradients for the returned groups' variables
 * only).
 *
 * @example
 * ```ts
 * schedule.groupsAt(1, 5); // [4]: the head, for ulmfit
 * schedule.groupsAt(2, 5); // [3, 4]: + the block under it
 * ```
 */
export interface UnfreezingSchedule {
  /** Indices of the trainable groups of the 1-based `epoch`, for a model of `groupCount` groups. */
  groupsAt(epoch: number, groupCount: number): readonly number[];
}

/**
 * An unfreezing schedule plugin: one file in `src/unfreezing/`, registered by `createUnfreezingRegistry`.
 *
 * @example
 * ```ts
 * const headOnly: UnfreezingDescriptor<Record<string, never>> = {
 *   id: 'head-only', description: '…', optionsSchema: z.object({}).strict(),
 *   create: () => ({ groupsAt: (_epoch, groupCount) => [groupCount - 1] }),
 * };
 * ```
 */
export type UnfreezingDescriptor<Options> = PluginDescriptor<Options, void, UnfreezingSchedule>;

/** Throws a RangeError unless `epoch` is a positive integer (schedules count epochs from 1). */
export function checkEpoch(epoch: number): void {
  if (!Number.isSafeInteger(epoch) || epoch < 1) throw new RangeError(`epoch must be an integer >= 1, got ${epoch}`);
}
