import type { PluginDescriptor } from '@mangaassist/common';
import type { LayerGroup } from './layer-groups';

/**
 * Which layer groups train in each epoch. Groups not returned are frozen: they get no gradients and no optimizer
 * state (the trainer computes gradients for the returned groups' variables only).
 *
 * @example
 * ```ts
 * schedule.groupsAt(1); // ['head'] for ulmfit
 * ```
 */
export interface UnfreezingSchedule {
  /** The trainable groups of the 1-based `epoch`. */
  groupsAt(epoch: number): readonly LayerGroup[];
}

/**
 * An unfreezing schedule plugin: one file in `src/unfreezing/`, listed in `UNFREEZING_PLUGINS`.
 *
 * @example
 * ```ts
 * const headOnly: UnfreezingDescriptor<Record<string, never>> = {
 *   id: 'head-only', description: '…', optionsSchema: z.object({}).strict(), create: () => ({ groupsAt: () => ['head'] }),
 * };
 * ```
 */
export type UnfreezingDescriptor<Options> = PluginDescriptor<Options, void, UnfreezingSchedule>;

/** Throws a RangeError unless `epoch` is a positive integer (schedules count epochs from 1). */
export function checkEpoch(epoch: number): void {
  if (!Number.isSafeInteger(epoch) || epoch < 1) throw new RangeError(`epoch must be an integer >= 1, got ${epoch}`);
}
