import { z } from 'zod';
import type { LrScheduleDescriptor } from '../lr-schedule';

const options = z.object({}).strict();

/**
 * The same rate at every step: each group trains at its discriminative rate throughout.
 *
 * @example
 * ```ts
 * constant.create({}).factor({ epoch: 3, step: 7, stepsPerEpoch: 10, globalStep: 27, totalSteps: 40 }); // 1
 * ```
 */
export const constant: LrScheduleDescriptor<z.infer<typeof options>> = {
  id: 'constant',
  description: 'Factor 1 at every step: each group keeps its discriminative rate.',
  optionsSchema: options,
  create: () => ({ factor: () => 1 }),
};
