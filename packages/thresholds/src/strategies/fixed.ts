import type { PluginDescriptor } from '@mangaassist/common';
import { z } from 'zod';
import { checkPerLabelKeys, fbetaChoiceAt } from '../strategy-options';
import type { ThresholdStrategy, ThresholdStrategyDeps } from '../threshold-strategy';

const probability = z.number().gt(0).lt(1);

const optionsSchema = z
  .object({
    /** Threshold of every label not listed in `perLabel`. */
    threshold: probability.default(0.5),
    /** Label → threshold. */
    perLabel: z.record(z.string(), probability).default({}),
  })
  .strict();

/** Options of the `fixed` strategy. */
export type FixedStrategyOptions = z.infer<typeof optionsSchema>;

/**
 * `fixed`: the same threshold for every label (0.5 unless given), or one per label; reports F1 there. The baseline
 * that calibration is compared against.
 *
 * @example
 * ```ts
 * registry.create('fixed', { threshold: 0.4, perLabel: { neutral: 0.6 } }, {});
 * ```
 */
export const fixedStrategy: PluginDescriptor<FixedStrategyOptions, ThresholdStrategyDeps, ThresholdStrategy> = {
  id: 'fixed',
  description: 'The same threshold for every label (0.5 unless given) or one per label, without looking at the data.',
  optionsSchema,
  create(options, deps) {
    checkPerLabelKeys('fixed', 'perLabel', options.perLabel, deps.labels);
    return {
      id: 'fixed',
      choose: (label, scores) =>
        fbetaChoiceAt(scores, options.perLabel[label] ?? options.threshold, 1, scores.support === 0 ? 'no positive example in the data' : undefined),
    };
  },
};
