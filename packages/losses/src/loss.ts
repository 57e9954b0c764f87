import type { PluginDescriptor } from '@mangaassist/common';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * How a loss combines its per-element values: `mean` over all N×L elements (the default, as in the seed), `sum`
 * over them, or `none` (the N×L matrix).
 *
 * @example
 * ```ts
 * const reduction: Reduction = 'sum';
 * ```
 */
export type Reduction = 'mean' | 'sum' | 'none';

/**
 * A multi-label loss on logits. `compute` takes logits and targets of shape N×L (targets in [0, 1]; soft targets are
 * allowed) and returns a scalar for `mean`/`sum` or the N×L matrix for `none`. It is differentiable with respect to
 * the logits and to {@link Loss.trainableVariables}, on every TensorFlow.js backend.
 *
 * @example
 * ```ts
 * const loss = createLossRegistry().create('focal', { gamma: 2 }, { labels: ['frustration', 'neutral'] });
 * const value = loss.compute(logits, targets); // scalar
 * optimizer.minimize(() => loss.compute(model(x), y) as tf.Scalar, false, [...modelVars, ...loss.trainableVariables()]);
 * loss.dispose();
 * ```
 */
export interface Loss {
  /** The plugin id that built it, e.g. `focal`. */
  readonly id: string;
  /** The loss of `logits` against `targets` (both N×L); the caller owns the returned tensor. */
  compute(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor;
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
