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
 * `clip_grad_norm_` does (scale `maxNorm / (norm + 1e-6)`, clamped at 1). `maxNorm` 0 disables clipping.
 * Everything stays on the device; only the norm is read back, asynchronously (WebGPU cannot read synchronously).
 *
 * @example
 * ```ts
 * const { gradients, norm } = await clipByGlobalNorm(grads, 1.0);
 * ```
 */
export async function clipByGlobalNorm(gradients: readonly tf.Tensor[], maxNorm: number): Promise<ClippedGradients> {
  if (!(maxNorm >= 0)) throw new RangeError(`maxNorm must be >= 0, got ${maxNorm}`);
  if (gradients.length === 0) return { gradients: [], norm: 0 };
  const normTensor = globalNorm(gradients);
  const clipped = tf.tidy(() => {
    if (maxNorm === 0) return gradients.map((g) => tf.clone(g));
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(normTensor, 1e-6)));
    return gradients.map((g) => tf.mul(g, scale));
  });
  const norm = (await normTensor.data())[0]!;
  normTensor.dispose();
  return { gradients: clipped, norm };
}

/** The global L2 norm as a device scalar. */
function globalNorm(gradients: readonly tf.Tensor[]): tf.Scalar {
  // A chain of pairwise adds rather than one addN: WebGPU limits the buffers a single kernel may bind (often 8).
  return tf.tidy(() => tf.sqrt(gradients.map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b))) as tf.Scalar);
}
