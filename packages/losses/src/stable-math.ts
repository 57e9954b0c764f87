import * as tf from '@tensorflow/tfjs-core';

/**
 * softplus(z) = log(1 + e^z), computed as max(z, 0) + log(1 + e^−|z|) so that no exponential overflows and no
 * log(0) occurs for any finite z (|z| = 100 included). Built from relu/abs/exp/log1p, which every backend has with
 * gradients, instead of `tf.softplus` whose thresholds differ between backends.
 *
 * @example
 * ```ts
 * stableSoftplus(tf.tensor1d([-100, 0, 100])); // [≈3.7e-44, 0.6931, 100]
 * ```
 */
export function stableSoftplus(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.relu(z), tf.log1p(tf.exp(tf.neg(tf.abs(z))))));
}

/**
 * log σ(z) = −softplus(−z): the log-probability of the positive class without forming σ(z) (which rounds to 0 or 1
 * in float32 for |z| ≳ 17 and would then give log(0)). log(1 − σ(z)) is `logSigmoid(−z)`.
 *
 * @example
 * ```ts
 * logSigmoid(tf.scalar(-100)); // −100, finite
 * ```
 */
export function logSigmoid(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(stableSoftplus(tf.neg(z))));
}

/**
 * Element-wise binary cross-entropy from logits, max(z, 0) − z·y + log(1 + e^−|z|) (= softplus(z) − z·y), equal to
 * −[y log σ(z) + (1 − y) log(1 − σ(z))] for targets y in [0, 1], soft targets included.
 *
 * @example
 * ```ts
 * bceWithLogits(tf.tensor2d([[0]]), tf.tensor2d([[1]])); // [[0.6931]] = ln 2
 * ```
 */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(stableSoftplus(logits), tf.mul(logits, targets)));
}
