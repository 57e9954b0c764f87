import type { PluginDescriptor } from '@mangaassist/common';

/** Where training stands when a learning rate is asked for. Steps count optimizer updates. */
export interface LrPosition {
  /** 1-based epoch. */
  readonly epoch: number;
  /** 0-based step inside the epoch. */
  readonly step: number;
  readonly stepsPerEpoch: number;
  /** 0-based step counted over the whole run. */
  readonly globalStep: number;
  /** Steps of the whole run (after `maxSteps`). */
  readonly totalSteps: number;
}

/**
 * A learning-rate schedule: a factor in [0, 1] (by convention) that multiplies every group's discriminative rate.
 *
 * @example
 * ```ts
 * const lr = rates.head * schedule.factor({ epoch: 1, step: 0, stepsPerEpoch: 100, globalStep: 0, totalSteps: 400 });
 * ```
 */
export interface LrSchedule {
  factor(position: LrPosition): number;
}

/**
 * An LR schedule plugin: one file in `src/lr-schedules/`, listed in `LR_SCHEDULE_PLUGINS`.
 *
 * @example
 * ```ts
 * const flat: LrScheduleDescriptor<Record<string, never>> = {
 *   id: 'flat', description: 'factor 1', optionsSchema: z.object({}).strict(), create: () => ({ factor: () => 1 }),
 * };
 * ```
 */
export type LrScheduleDescriptor<Options> = PluginDescriptor<Options, void, LrSchedule>;
