import * as tf from '@tensorflow/tfjs-core';
import type { Reduction } from './loss';

/**
 * Applies a {@link Reduction} to an N×L matrix of per-element losses. `mean` divides by N·L (every element of the
 * batch, as the seed does), so for one example the gradient of mean BCE is (σ(z) − y)/L per logit.
 *
 * @example
 * ```ts
 * reduceLoss(tf.tensor2d([[1, 2], [3, 6]]), 'mean'); // scalar 3
 * ```
 */
export function reduceLoss(perElement: tf.Tensor2D, reduction: Reduction): tf.Tensor {
  switch (reduction) {
    case 'mean':
      return tf.mean(perElement);
    case 'sum':
      return tf.sum(perElement);
    case 'none':
      return tf.clone(perElement);
    default:
      throw new RangeError(`reduction must be one of mean, sum, none; got ${JSON.stringify(reduction)}`);
  }
}

/**
 * The upstream gradient seen by each element of the N×L loss matrix, given the gradient `dy` of the reduced loss:
 * `dy/(N·L)` for `mean`, `dy` for `sum` (both scalars that broadcast) and the N×L `dy` itself for `none`.
 * Multiply it by ∂ℓ/∂z element-wise to get the gradient with respect to the logits.
 *
 * @example
 * ```ts
 * const dz = tf.mul(upstreamPerElement(dy, 'mean', logits.shape), tf.sub(tf.sigmoid(logits), targets));
 * ```
 */
export function upstreamPerElement(dy: tf.Tensor, reduction: Reduction, shape: readonly number[]): tf.Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  return reduction === 'mean' ? tf.div(dy, count) : dy;
}
