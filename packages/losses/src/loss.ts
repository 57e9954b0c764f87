import type { PluginDescriptor } from '@mangaassist/common';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * How a loss combines its per-element values: `mean` over all N×L elements (the default, as in the design document's loss), `sum`
 * over them, or `none` (the N×L matrix). With a mask (see {@link Loss.compute}), only the unmasked elements count
 * and `mean` divides by their number.
 *
 * @example
 * ```ts
 * const reduction: Reduction = 'sum';
 * ```
 */
export type Reduction = 'mean' | 'sum' | 'none';

/**
 * A multi-label loss on logits. `compute` takes logits and targets of shape N×L (targets in [0, 1]; soft targets are
 * allowed), optionally a mask of the same shape, and returns a scalar for `mean`/`sum` or the N×L matrix for `none`.
 * It is differentiable with respect to the logits and to {@link Loss.trainableVariables}, on every TensorFlow.js
 * backend.
 *
 * @example
 * ```ts
 * const loss = createLossRegistry().create('focal', { gamma: 2 }, { labels: ['frustration', 'neutral'] });
 * const value = loss.compute(logits, targets); // scalar
 * const partial = loss.compute(logits, targets, mask); // only the labels each example's source annotates
 * optimizer.minimize(() => loss.compute(model(x), y, mask) as tf.Scalar, false, [...modelVars, ...loss.trainableVariables()]);
 * loss.dispose();
 * ```
 */
export interface Loss {
  /** The plugin id that built it, e.g. `focal`. */
  readonly id: string;
  /**
   * The loss of `logits` against `targets` (both N×L); the caller owns the returned tensor.
   *
   * `mask` (optional, N×L like the logits; float32, int32 or bool) says which elements count: 1 = the example's
   * source annotates that label, 0 = it does not. Why: training mixes sources that annotate different labels
   * (GoEmotions has no urgency or churn_risk); a label a source does not annotate is unknown for its examples, not
   * negative, so it must be left out of the loss rather than taken as a 0 target. The contract:
   *
   * - A masked element (mask 0) contributes exactly 0 to the value and exactly 0 to every gradient (logits and
   *   {@link Loss.trainableVariables}), whatever its logit and target hold (even a NaN placeholder target).
   * - - `sum` adds the unmasked elements; `none` returns the N×L matrix with masked elements 0; `mean` divides by the
   *   *   number of unmasked elements (the sum of a 0/1 mask), not N·L, so a batch's loss scale does not depend on
   *   how *   many labels its sources annotate. Losses built from per-label means (`uncertainty-weighted`) take each
   *   label's mean *   over that label's unmasked elements and leave out labels with none (see the plugin).
   * - A batch with every element masked gives 0 and zero gradients, never NaN.
   * - Values other than 0/1 act as per-element loss weights: each kept element's loss (and gradient) is multiplied
   *   by its value, and `mean` still divides by the number of kept elements, not by the sum of the weights, so a
   *   weight scales its element's share whatever else is in the batch (as `weight` in PyTorch's `BCEWithLogitsLoss`)
   *   instead of cancelling out in a batch drawn from one weighted source. Values ≤ 0 exclude the element. Values are
   *   not checked, because that would need a synchronous read of the mask from the device.
   * - Without a mask (`undefined`), the result is bit-identical to the loss without mask support; an all-ones mask
   *   gives the same value up to float32 rounding of the reduction.
   * - A mask of another shape throws a `RangeError` naming `mask`, the loss and the expected shape.
   */
  compute(logits: tf.Tensor2D, targets: tf.Tensor2D, mask?: tf.Tensor2D): tf.Tensor;
  /**
   * Variables the loss learns itself (e.g. the log-variances of `uncertainty-weighted`); empty for fixed losses.
   * The trainer passes them to the optimizer together with the model's variables.
   */
  trainableVariables(): tf.Variable[];
  /** Frees the tensors the loss owns; the loss must not be used afterwards. */
  dispose(): void;
}

/**
 * What a loss factory receives from its host: the label names, in the order of the logits' columns. Per-label
 * options (α, weights) are validated against them.
 *
 * @example
 * ```ts
 * const deps: LossDeps = { labels: ['frustration', 'satisfaction', 'neutral'] };
 * ```
 */
export interface LossDeps {
  readonly labels: readonly string[];
}

/**
 * A loss plugin: `{ id, description, optionsSchema, create }`. Third-party packages export values of this type and
 * register them on the registry from {@link createLossRegistry}.
 *
 * @example
 * ```ts
 * export const squaredError: LossDescriptor<{ reduction: Reduction }> = {
 *   id: 'squared-error',
 *   description: 'Mean squared error between sigmoid probabilities and targets.',
 *   optionsSchema: z.object({ reduction: reductionSchema }).strict(),
 *   create: ({ reduction }, { labels }) =>
 *     elementwiseLoss('squared-error', labels, reduction, {
 *       value: (z, y) => tf.squaredDifference(tf.sigmoid(z), y),
 *       derivative: (z, y) => tf.mul(tf.mul(2, tf.sub(tf.sigmoid(z), y)), tf.mul(tf.sigmoid(z), tf.sigmoid(tf.neg(z)))),
 *     }),
 * };
 * ```
 */
export type LossDescriptor<Options> = PluginDescriptor<Options, LossDeps, Loss>;
