import * as tf from '@tensorflow/tfjs-core';
import { geluErf, layerNorm as fusedLayerNorm } from '@mangaassist/fused-ops';
import { DISTILBERT_ACTIVATIONS } from '@mangaassist/model-format';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * Activations by Hugging Face's `ACT2FN` name. `gelu` is the exact erf form that DistilBERT uses (not the tanh
 * approximation, which is `gelu_new` / `gelu_pytorch_tanh`); it runs as one fused kernel each way when the native CPU
 * kernels are registered, as the composite of TensorFlow.js ops elsewhere.
 */
export const ACTIVATIONS = {
  gelu: (x: tf.Tensor) => geluErf(x),
  gelu_new: (x: tf.Tensor) => geluTanh(x),
  gelu_pytorch_tanh: (x: tf.Tensor) => geluTanh(x),
  relu: (x: tf.Tensor) => tf.relu(x),
} as const satisfies Record<string, (x: tf.Tensor) => tf.Tensor>;

/**
 * The activation names a DistilBERT config may use: the config schema's list, which must have an implementation
 * above for every name (the `satisfies` fails to compile otherwise).
 */
export const ACTIVATION_NAMES = DISTILBERT_ACTIVATIONS satisfies readonly (keyof typeof ACTIVATIONS)[];

/** One of {@link ACTIVATION_NAMES}. */
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
}

/**
 * `x · Wᵀ + b` with `W` in PyTorch's `[out, in]` layout, so checkpoint tensors are used as stored.
 *
 * @example
 * ```ts
 * const y = linear(x2d, vars.get('transformer.layer.0.ffn.lin1.weight')!, vars.get('transformer.layer.0.ffn.lin1.bias')!);
 * ```
 */
export function linear(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.add(tf.matMul(x, weight, false, true), bias);
}

/**
 * Layer normalisation over the last axis with the biased variance, as `torch.nn.LayerNorm` computes it: one fused
 * kernel each way with the native CPU kernels, the composite of TensorFlow.js ops on other backends.
 *
 * @example
 * ```ts
 * const y = layerNorm(x, gamma, beta, 1e-12);
 * ```
 */
export function layerNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): T {
  return fusedLayerNorm(x, gamma, beta, epsilon);
}
