import { z } from 'zod';
import { focalNegativeTerm, focalPositiveTerm, shiftedNegativeTerm, weightedBinaryFormula } from '../binary-terms';
import { elementwiseLoss } from '../elementwise-loss';
import type { LossDescriptor, Reduction } from '../loss';
import { type PerLabelValues, perLabelValuesSchema, reductionSchema, resolvePerLabel } from '../options';

/**
 * Options of the `asymmetric` loss, after validation (defaults filled in).
 *
 * @example
 * ```ts
 * const options: AsymmetricOptions = { gammaPos: 0, gammaNeg: 4, clip: 0.05, reduction: 'mean' };
 * ```
 */
export interface AsymmetricOptions {
  readonly gammaPos: number;
  readonly gammaNeg: number;
  readonly clip: number;
  readonly weights?: PerLabelValues | undefined;
  readonly reduction: Reduction;
}

/**
 * `asymmetric` (ASL, Ridnik et al. 2021): ℓ = −w_l [y (1 − p)^γ+ log p + (1 − y) p_m^γ− log(1 − p_m)] with
 * p = σ(z) and the shifted probability p_m = max(p − m, 0) on negatives, so negatives with p ≤ m cost nothing.
 * Defaults γ+ = 0, γ− = 4, m = 0.05. γ+ = γ− = 0 with m = 0 gives BCE exactly. The gradient is the full derivative
 * (the focusing weights are differentiated too).
 *
 * @example
 * ```ts
 * const loss = createLossRegistry().create('asymmetric', { gammaNeg: 4, clip: 0.05 }, { labels });
 * ```
 */
export const asymmetricLoss: LossDescriptor<AsymmetricOptions> = {
  id: 'asymmetric',
  description: 'Asymmetric loss (ASL): separate focusing for positives and negatives, probability shifting on negatives.',
  optionsSchema: z
    .object({
      gammaPos: z.number().min(0).finite().default(0).describe('focusing γ+ ≥ 0 on positives'),
      gammaNeg: z.number().min(0).finite().default(4).describe('focusing γ− ≥ 0 on negatives'),
      clip: z.number().min(0).lt(1).default(0.05).describe('probability margin m in [0, 1) shifted off negatives'),
      weights: perLabelValuesSchema
        .optional()
        .describe('weight per label: a list in label order or a map label → weight (missing labels: 1)'),
      reduction: reductionSchema,
    })
    .strict(),
  create: ({ gammaPos, gammaNeg, clip, weights, reduction }, { labels }) => {
    const labelWeights = resolvePerLabel('asymmetric', 'weights', weights, labels);
    const negative = clip === 0 ? focalNegativeTerm(gammaNeg) : shiftedNegativeTerm(gammaNeg, clip);
    const formula = weightedBinaryFormula(focalPositiveTerm(gammaPos), negative, labelWeights);
    return elementwiseLoss('asymmetric', labels, reduction, formula);
  },
};
