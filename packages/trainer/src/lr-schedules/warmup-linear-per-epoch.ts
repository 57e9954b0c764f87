import { z } from 'zod';
import type { LrScheduleDescriptor } from '../lr-schedule';

const options = z
  .object({
    /** Share of each epoch's steps spent warming up (ignored when `warmupSteps` is given). */
    warmupFraction: z.number().min(0).lt(1).default(0.1).describe('share of each epoch spent warming up'),
    /** Warm-up length in steps, per epoch. */
    warmupSteps: z.number().int().min(0).optional().describe('warm-up steps per epoch (overrides warmupFraction)'),
  })
  .strict();

/**
 * Linear warm-up then linear decay to zero, restarted every epoch — Hugging Face's
 * `get_linear_schedule_with_warmup` applied to each epoch, since gradual unfreezing starts a new phase (new groups,
 * fresh optimizer state for them) at each epoch. Factor at step `s` of an `n`-step epoch with `w` warm-up steps:
 * `s / w` while `s < w`, then `(n - s) / (n - w)`.
 *
 * @example
 * ```ts
 * const s = warmupLinearPerEpoch.create({ warmupFraction: 0.1 });
 * s.factor({ epoch: 1, step: 5, stepsPerEpoch: 100, globalStep: 5, totalSteps: 400 }); // 0.5
 * ```
 */
export const warmupLinearPerEpoch: LrScheduleDescriptor<z.infer<typeof options>> = {
  id: 'warmup-linear-per-epoch',
  description: 'Per epoch: linear warm-up over warmupFraction of its steps, then linear decay to zero.',
  optionsSchema: options,
  create: ({ warmupFraction, warmupSteps }) => ({
    factor({ step, stepsPerEpoch }) {
      const warmup = Math.min(stepsPerEpoch, warmupSteps ?? Math.floor(warmupFraction * stepsPerEpoch));
      if (step < warmup) return step / Math.max(1, warmup);
      return Math.max(0, (stepsPerEpoch - step) / Math.max(1, stepsPerEpoch - warmup));
    },
  }),
};
