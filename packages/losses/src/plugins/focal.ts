import { z } from 'zod';
import { focalNegativeTerm, focalPositiveTerm, weightedBinaryFormula } from '../binary-terms';
import { elementwiseLoss } from '../elementwise-loss';
import type { LossDescriptor, Reduction } from '../loss';
import { type PerLabelValues, perLabelValuesSchema, reductionSchema, resolvePerLabel } from '../options';

/**
 * Options of the `focal` loss, after validation (defaults filled in).
 *
 * @example
 * ```ts
 * const options: FocalOptions = { gamma: 2, alpha: [0.4, 1, 1.2, 1.5, 2.57, 6], reduction: 'mean' };
 * ```
 */
export interface FocalOptions {
  readonly gamma: number;
  readonly alpha?: PerLabelValues | undefined;
  readonly reduction: Reduction;
}

/**
 * `focal`: the design document's focal BCE, ℓ = −α_l [y (1 − p)^γ log p + (1 − y) p^γ log(1 − p)] with p = σ(z) and
 * ∂ℓ/∂z = −α_l [y (1 − p)^γ ((1 − p) − γ p log p) + (1 − y) p^γ (γ (1 − p) log(1 − p) − p)].
 * γ = 0 and α = 1 give BCE exactly. α is per label (list or map, default 1); {@link focalAlphaFromFrequencies}
 * computes the design document's α_l = reference frequency / label frequency.
 *
 * @example
 * ```ts
 * const loss = createLossRegistry().create('focal', { gamma: 2, alpha: { churn_risk: 6 } }, { labels });
 * ```
 */
export const focalLoss: LossDescriptor<FocalOptions> = {
  id: 'focal',
  description: 'Focal binary cross-entropy: down-weights easy examples by (1 − p_t)^γ, with a weight α per label.',
  optionsSchema: z
    .object({
      gamma: z.number().min(0).finite().default(2).describe('focusing parameter γ ≥ 0; 0 gives BCE'),
      alpha: perLabelValuesSchema
        .optional()
        .describe('weight α per label: a list in label order or a map label → α (missing labels: 1); default all 1'),
      reduction: reductionSchema,
    })
    .strict(),
  create: ({ gamma, alpha, reduction }, { labels }) => {
    const alphas = resolvePerLabel('focal', 'alpha', alpha, labels);
    const formula = weightedBinaryFormula(focalPositiveTerm(gamma), focalNegativeTerm(gamma), alphas);
    return elementwiseLoss('focal', labels, reduction, formula);
  },
};
