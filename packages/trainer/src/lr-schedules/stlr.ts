import { z } from 'zod';
import type { LrScheduleDescriptor } from '../lr-schedule';

const options = z
  .object({
    /** Share of all steps spent increasing the rate. */
    cutFraction: z.number().gt(0).lt(1).default(0.1).describe('share of all steps spent rising to the peak'),
    /** How much smaller the lowest rate is than the peak. */
    ratio: z.number().min(1).default(32).describe('peak rate / lowest rate'),
  })
  .strict();

/**
 * Slanted triangular learning rates (ULMFiT): a short linear increase over the first `cutFraction` of all steps,
 * then a long linear decay, between `1/ratio` and 1 of the peak. With `cut = floor(T·cutFraction)` over `T` steps,
 * `p = t/cut` before the cut and `1 − (t − cut)/(T − cut)` after (the paper writes the decay length as
 * `cut·(1/cutFraction − 1)`, which equals `T − cut` when `T·cutFraction` is whole and never overshoots otherwise);
 * the factor is `(1 + p·(ratio − 1)) / ratio`.
 *
 * @example
 * ```ts
 * const s = stlr.create({ cutFraction: 0.1, ratio: 32 });
 * s.factor({ epoch: 1, step: 10, stepsPerEpoch: 100, globalStep: 10, totalSteps: 100 }); // 1 (the peak)
 * ```
 */
export const stlr: LrScheduleDescriptor<z.infer<typeof options>> = {
  id: 'stlr',
  description: 'Slanted triangular: linear rise over cutFraction of all steps, then a long linear decay to 1/ratio.',
  optionsSchema: options,
  create: ({ cutFraction, ratio }) => ({
    factor({ globalStep, totalSteps }) {
      const cut = Math.max(1, Math.floor(totalSteps * cutFraction));
      const p = globalStep < cut ? globalStep / cut : Math.max(0, 1 - (globalStep - cut) / Math.max(1, totalSteps - cut));
      return (1 + p * (ratio - 1)) / ratio;
    },
  }),
};
