import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { checkLossInputs, checkLossMask } from '../check-inputs';
import type { Loss, LossDescriptor, Reduction } from '../loss';
import { reductionSchema } from '../options';
import { keptElements, maskElements, reduceLoss, upstreamPerElement } from '../reduce';
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
 * With a mask (m_nl ∈ {0, 1}; other positive values weight the element, see `Loss.compute`): without a mask, `mean`
 * is (1/L)·Σ_l [exp(−s_l)·mean_n BCE_nl + s_l], the average over labels of Kendall's per-label term with a per-label
 * mean. With a mask, each label's mean is taken over that label's unmasked elements only (c_l of them), and the
 * labels with no unmasked element in the batch (c_l = 0) are left out entirely, both the loss term and the
 * regulariser s_l, so their s_l gets no gradient from the batch:
 * `mean` = (1/A)·Σ_{l: c_l > 0} [exp(−s_l)·(Σ_n m_nl·BCE_nl)/c_l + s_l], with A the number of such labels. Why: s_l estimates label l's own noise level from its own
 * loss; if unannotated elements were counted (as 0 loss or as negatives) a label that few sources annotate would look
 * less noisy than it is, and a label absent from a batch would still have its s_l pushed down by the bare regulariser
 * (∂/∂s_l = 1) with nothing to balance it. Dividing by A keeps the scale independent of how many labels the batch's
 * sources annotate, as the masked `mean` of the other losses does. The price: a label kept in only a few examples of
 * a batch gets a noisier per-label mean, with the same weight as the others. `sum` and `none` are per element like
 * the other losses: `sum` adds exp(−s_l)·BCE_nl + s_l over the unmasked elements (so a label counts c_l times),
 * `none` returns them with masked elements 0. An all-masked batch gives 0 and zero gradients.
 *
 * @example
 * ```ts
 * const loss = createLossRegistry().create('uncertainty-weighted', {}, { labels });
 * optimizer.minimize(() => loss.compute(model(x), y, mask) as tf.Scalar, false, [...modelVars, ...loss.trainableVariables()]);
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

  compute(logits: tf.Tensor2D, targets: tf.Tensor2D, mask?: tf.Tensor2D): tf.Tensor {
    if (this.disposed) throw new Error('uncertainty-weighted loss: compute() called after dispose()');
    const reduction = this.reduction;
    return tf.tidy(() => {
      const y = checkLossInputs(this.id, this.labels, logits, targets);
      const m = checkLossMask(this.id, logits, mask);
      if (m !== undefined) return this.computeMasked(logits, y, m);
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

  /**
   * The masked loss (see the descriptor's TSDoc), as one weighted sum: every kept element n, l has a weight w_nl,
   * m_nl/(A·c_l) for `mean` (c_l kept elements in column l; 0 for a label with c_l = 0) and m_nl for `sum`/`none`, so
   * the value is Σ w_nl·ℓ_nl (or the matrix w·ℓ), ∂/∂z_nl = dy·w_nl·exp(−s_l)(σ(z) − y) and ∂/∂s_l = Σ_n dy·w_nl·(1 −
   * exp(−s_l)·BCE_nl). Masked elements are zeroed with {@link maskElements}, so a non-finite target there cannot leak
   * in. Call inside `tf.tidy`.
   */
  private computeMasked(logits: tf.Tensor2D, y: tf.Tensor2D, m: tf.Tensor2D): tf.Tensor {
    const reduction = this.reduction;
    const weights = reduction === 'mean' ? perLabelMeanWeights(m) : m;
    const withGradient = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [zIn, sIn, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
      save([zIn, y, sIn, weights]);
      const perElement = tf.add(tf.mul(tf.exp(tf.neg(sIn)), bceWithLogits(zIn, y)), sIn);
      const weighted = maskElements(perElement, weights);
      return {
        value: reduction === 'none' ? weighted : tf.sum(weighted),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [zs, ys, ss, ws] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D];
          const weight = tf.exp(tf.neg(ss));
          const dz = maskElements(tf.mul(dy, tf.mul(weight, tf.sub(tf.sigmoid(zs), ys))), ws);
          const dsPerElement = maskElements(tf.mul(dy, tf.sub(1, tf.mul(weight, bceWithLogits(zs, ys)))), ws);
          return [dz, tf.sum(dsPerElement, 0)];
        },
      };
    });
    return withGradient(logits, this.logVariance);
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

/**
 * Per-element weights of the masked `mean`: m_nl/(A·c_l) where c_l is label l's number of kept elements (m > 0) and
 * A the number of labels with c_l > 0; 0 where m ≤ 0, for the columns with c_l = 0 and everywhere when A = 0 (no
 * division by zero: the counts are replaced by 1 where they are 0, and those columns have no kept element anyway).
 * As in the masked `mean` of the other losses, the counts are counts, not sums of weights (see `maskedCount`).
 */
function perLabelMeanWeights(m: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const perLabel = tf.sum(keptElements(m), 0, true); // 1×L: c_l
    const labelCount = tf.sum(tf.cast(tf.greater(perLabel, 0), 'float32')); // A
    const safe = (t: tf.Tensor) => tf.where(tf.greater(t, 0), t, tf.onesLike(t));
    return tf.div(tf.div(maskElements(tf.onesLike(m), m), safe(perLabel)), safe(labelCount)) as tf.Tensor2D;
  });
}
