import * as tf from '@tensorflow/tfjs-core';
import type { Reduction } from './loss';

/**
 * Applies a {@link Reduction} to an N×L matrix of per-element losses. `mean` divides by N·L (every element of the
 * batch, as the design document's loss does), so for one example the gradient of mean BCE is (σ(z) − y)/L per logit.
 *
 * With a `mask` (N×L, float32; see `Loss.compute`) only the kept elements (mask > 0) count: each is multiplied by its
 * mask value and masked-out elements become exactly 0 ({@link maskElements}); `sum` adds the kept elements, `none`
 * returns the matrix with masked elements 0, and `mean` divides by the number of kept elements ({@link maskedCount};
 * the sum of the mask for a 0/1 mask) instead of N·L. Why: a batch whose sources annotate fewer labels then has the
 * same loss scale as one whose sources annotate them all. A batch with nothing kept gives 0 (not 0/0 = NaN). Without
 * a mask the result is exactly what it was before masks existed.
 *
 * @example
 * ```ts
 * reduceLoss(tf.tensor2d([[1, 2], [3, 6]]), 'mean'); // scalar 3
 * reduceLoss(tf.tensor2d([[1, 2], [3, 6]]), 'mean', tf.tensor2d([[1, 0], [1, 0]])); // scalar 2 = (1 + 3)/2
 * ```
 */
export function reduceLoss(perElement: tf.Tensor2D, reduction: Reduction, mask?: tf.Tensor2D): tf.Tensor {
  if (mask === undefined) {
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
  return tf.tidy(() => {
    switch (reduction) {
      case 'mean':
        return tf.div(tf.sum(maskElements(perElement, mask)), maskedCount(mask));
      case 'sum':
        return tf.sum(maskElements(perElement, mask));
      case 'none':
        return maskElements(perElement, mask);
      default:
        throw new RangeError(`reduction must be one of mean, sum, none; got ${JSON.stringify(reduction)}`);
    }
  });
}

/**
 * The upstream gradient seen by each element of the N×L loss matrix, given the gradient `dy` of the reduced loss:
 * `dy/(N·L)` for `mean`, `dy` for `sum` (both scalars that broadcast) and the N×L `dy` itself for `none`.
 * Multiply it by ∂ℓ/∂z element-wise to get the gradient with respect to the logits.
 *
 * With a `mask`, `mean` divides by the number of kept elements instead of N·L (as {@link reduceLoss} does); the
 * product with ∂ℓ/∂z must then go through {@link maskElements}, which multiplies by the mask and zeroes masked
 * elements exactly (even where ∂ℓ/∂z is not finite, e.g. a NaN placeholder target).
 *
 * @example
 * ```ts
 * const dz = tf.mul(upstreamPerElement(dy, 'mean', logits.shape), tf.sub(tf.sigmoid(logits), targets));
 * const dzMasked = maskElements(tf.mul(upstreamPerElement(dy, 'mean', logits.shape, mask), derivative), mask);
 * ```
 */
export function upstreamPerElement(
  dy: tf.Tensor,
  reduction: Reduction,
  shape: readonly number[],
  mask?: tf.Tensor2D,
): tf.Tensor {
  if (mask !== undefined) return reduction === 'mean' ? tf.tidy(() => tf.div(dy, maskedCount(mask))) : dy;
  const count = shape.reduce((a, b) => a * b, 1);
  return reduction === 'mean' ? tf.div(dy, count) : dy;
}

/**
 * `mask · values` where the mask is > 0, and exactly 0 elsewhere — also where `values` is NaN or ±∞, which a plain
 * product 0·NaN would not give. Why: a masked element must contribute neither value nor gradient whatever its target
 * holds (data sources may leave a placeholder such as NaN or −1 for a label they do not annotate). Mask values ≤ 0
 * exclude the element.
 *
 * @example
 * ```ts
 * maskElements(tf.tensor2d([[2, NaN]]), tf.tensor2d([[1, 0]])); // [[2, 0]]
 * ```
 */
export function maskElements(values: tf.Tensor, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const product = tf.mul(values, mask);
    return tf.where(tf.greater(mask, 0), product, tf.zerosLike(product)) as tf.Tensor2D;
  });
}

/**
 * The denominator of a masked `mean`: the number of kept elements (mask > 0; the sum of the mask for a 0/1 mask), or
 * 1 when nothing is kept, so that an all-masked batch gives 0/1 = 0 with a zero gradient instead of NaN. Weights
 * other than 1 are counted, not summed. Why: a weight then multiplies its element's share of the loss whatever else
 * is in the batch (as `weight` does in PyTorch's `BCEWithLogitsLoss`); divided by the sum of the weights, it would
 * cancel out in a batch whose kept elements all share one weight (e.g. a batch drawn from one weighted source).
 *
 * @example
 * ```ts
 * maskedCount(tf.tensor2d([[1, 0], [1, 1]])); // scalar 3
 * maskedCount(tf.tensor2d([[2, 0], [0.5, 1]])); // scalar 3
 * ```
 */
export function maskedCount(mask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const count = tf.sum(keptElements(mask));
    return tf.where(tf.greater(count, 0), count, tf.onesLike(count)) as tf.Scalar;
  });
}

/**
 * 1 where the mask keeps the element (mask > 0), 0 elsewhere, as float32.
 *
 * @example
 * ```ts
 * keptElements(tf.tensor2d([[2, 0], [0.5, -1]])); // [[1, 0], [1, 0]]
 * ```
 */
export function keptElements(mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.greater(mask, 0), 'float32') as tf.Tensor2D);
}
