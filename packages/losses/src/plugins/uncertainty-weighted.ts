import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { checkLossInputs } from '../check-inputs';
import type { Loss, LossDescriptor, Reduction } from '../loss';
import { reductionSchema } from '../options';
import { reduceLoss, upstreamPerElement } from '../reduce';
import { bceWithLogits } from '../stable-math';

/**
 * Options of the `uncertainty-weighted` loss, after validation (defaults filled in).
 *
 * @example
 * ```ts
 * const options: UncertaintyWeightedOptions = { initialLogVariance: 0, reduction: 'mean' };
 * ```
 */
export interface UncertaintyWeightedOptions {
  readonly initialLogVariance: number;
  readonly reduction: Reduction;
}

/**
 * `uncertainty-weighted` (Kendall et al. 2018): a learned log-variance s_l per label, per element
 * ℓ = exp(−s_l)·BCE(z, y) + s_l, so with `sum` over one example the loss is Σ_l exp(−s_l)·BCE_l + s_l; `mean`
 * divides by N·L like every loss here. The constant in front of s_l is 1 (Kendall's bound for a classifier has
 * ½·s_l): the optimum is exp(−s_l) = 1/BCE_l, so labels whose BCE stays high (noisy labels) get a lower weight.
 * Gradients: ∂ℓ/∂z = exp(−s_l)(σ(z) − y), ∂ℓ/∂s_l = 1 − exp(−s_l)·BCE.
 * s is one `tf.Variable` of shape [L] returned by `trainableVariables()`: the trainer must pass it to the optimizer.
 *
 * @example
 * ```ts
 * const loss = createLossRegistry().create('uncertainty-weighted', {}, { labels });
 * optimizer.minimize(() => loss.compute(model(x), y) as tf.Scalar, false, [...modelVars, ...loss.trainableVariables()]);
 * ```
 */
export const uncertaintyWeightedLoss: LossDescriptor<UncertaintyWeightedOptions> = {
  id: 'uncertainty-weighted',
  description: 'BCE per label weighted by a learned homoscedastic uncertainty: exp(−s_l)·BCE_l + s_l.',
  optionsSchema: z
    .object({
      initialLogVariance: z
        .number()
        .finite()
        .default(0)
        .describe('initial s_l for every label (0 gives weight 1, i.e. BCE plus a constant)'),
      reduction: reductionSchema,
    })
    .strict(),
  create: ({ initialLogVariance, reduction }, { labels }) =>
    new UncertaintyWeighted([...labels], initialLogVariance, reduction),
};

class UncertaintyWeighted implements Loss {
  readonly id = 'uncertainty-weighted';
  private readonly logVariance: tf.Variable;
  private disposed = false;

  constructor(
    private readonly labels: readonly string[],
    initialLogVariance: number,
    private readonly reduction: Reduction,
  ) {
    // tidy frees the initial tensor; the variable keeps its own reference to the data.
    this.logVariance = tf.tidy(() => tf.variable(tf.fill([labels.length], initialLogVariance), true));
  }

  compute(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor {
    if (this.disposed) throw new Error('uncertainty-weighted loss: compute() called after dispose()');
    const reduction = this.reduction;
    return tf.tidy(() => {
      const y = checkLossInputs(this.id, this.labels, logits, targets);
      // A custom gradient, as in elementwiseLoss: tfjs-core alone registers no op gradients.
      const withGradient = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
        const [zIn, sIn, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
        save([zIn, y, sIn]);
        const perElement = tf.add(tf.mul(tf.exp(tf.neg(sIn)), bceWithLogits(zIn, y)), sIn) as tf.Tensor2D;
        return {
          value: reduceLoss(perElement, reduction),
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
            const [zs, ys, ss] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
            const upstream = upstreamPerElement(dy, reduction, zs.shape);
            const weight = tf.exp(tf.neg(ss));
            const dz = tf.mul(upstream, tf.mul(weight, tf.sub(tf.sigmoid(zs), ys)));
            const dsPerElement = tf.mul(upstream, tf.sub(1, tf.mul(weight, bceWithLogits(zs, ys))));
            const ds = tf.sum(tf.mul(tf.onesLike(zs), dsPerElement), 0);
            return [dz, ds];
          },
        };
      });
      return withGradient(logits, this.logVariance);
    });
  }

  trainableVariables(): tf.Variable[] {
    return [this.logVariance];
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.logVariance.dispose();
  }
}
