import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { type ElementwiseFormula, elementwiseLoss } from '../elementwise-loss';
import type { LossDescriptor, Reduction } from '../loss';
import { reductionSchema } from '../options';
import { bceWithLogits } from '../stable-math';

/**
 * Options of the `bce` loss, after validation (defaults filled in).
 *
 * @example
 * ```ts
 * const options: BceOptions = { reduction: 'sum' };
 * ```
 */
export interface BceOptions {
  readonly reduction: Reduction;
}

/**
 * ℓ = max(z, 0) − z·y + log(1 + e^−|z|) and ∂ℓ/∂z = σ(z) − y.
 *
 * @example
 * ```ts
 * elementwiseLoss('my-bce', labels, 'sum', bceFormula);
 * ```
 */
export const bceFormula: ElementwiseFormula = {
  value: (z, y) => bceWithLogits(z, y) as tf.Tensor2D,
  derivative: (z, y) => tf.sub(tf.sigmoid(z), y),
};

/**
 * `bce`: binary cross-entropy from logits, ℓ = max(z, 0) − z·y + log(1 + e^−|z|), averaged over all N×L elements by
 * default. Its gradient with `mean` is (σ(z) − y)/(N·L) per logit.
 *
 * @example
 * ```ts
 * const loss = createLossRegistry().create('bce', {}, { labels });
 * ```
 */
export const bceLoss: LossDescriptor<BceOptions> = {
  id: 'bce',
  description: 'Binary cross-entropy from logits (numerically stable), one sigmoid per label.',
  optionsSchema: z.object({ reduction: reductionSchema }).strict(),
  create: ({ reduction }, { labels }) => elementwiseLoss('bce', labels, reduction, bceFormula),
};
