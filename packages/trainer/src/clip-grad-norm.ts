import * as tf from '@tensorflow/tfjs-core';

/** Result of {@link clipByGlobalNorm}. */
export interface ClippedGradients {
  /** The gradients, scaled when their global norm exceeded the limit (new tensors; the caller disposes them). */
  readonly gradients: tf.Tensor[];
  /** Global L2 norm before clipping. */
  readonly norm: number;
}

/**
 * Scales all gradients together so that their global L2 norm is at most `maxNorm`, as PyTorch's
 * `clip_grad_norm_` does (scale `maxNorm / (norm + 1e-6)` when below 1). `maxNorm` 0 disables clipping.
 *
 * @example
 * ```ts
 * const { gradients, norm } = clipByGlobalNorm(grads, 1.0);
 * ```
 */
export function clipByGlobalNorm(gradients: readonly tf.Tensor[], maxNorm: number): ClippedGradients {
  if (!(maxNorm >= 0)) throw new RangeError(`maxNorm must be >= 0, got ${maxNorm}`);
  if (gradients.length === 0) return { gradients: [], norm: 0 };
  const squared = tf.tidy(() => tf.addN(gradients.map((g) => tf.sum(tf.square(g)))));
  const norm = Math.sqrt(squared.dataSync()[0]!);
  squared.dispose();
  const scale = maxNorm > 0 && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
  return {
    gradients: gradients.map((g) => (scale === 1 ? tf.clone(g) : tf.tidy(() => tf.mul(g, scale)))),
    norm,
  };
}
