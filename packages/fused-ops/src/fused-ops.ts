import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS } from './kernel-names';

function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

let gradientsRegistered = false;

/**
 * Registers the gradients of the fused kernels (once): each runs the backend's backward kernel
 * (`FUSED_KERNELS.geluGrad`, `FUSED_KERNELS.layerNormGrad`). A backend package calls it when it registers the forward
 * kernels, since the gradient is used only where they run.
 *
 * @example
 * ```ts
 * tf.registerKernel({ kernelName: FUSED_KERNELS.gelu, backendName: 'cpu', kernelFunc });
 * registerFusedGradients();
 * ```
 */
export function registerFusedGradients(): void {
  if (gradientsRegistered) return;
  gradientsRegistered = true;
  tf.registerGradient({
    kernelName: FUSED_KERNELS.gelu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      return { x: () => tf.engine().runKernel(FUSED_KERNELS.geluGrad, { x, dy: dy as tf.Tensor }) as tf.Tensor };
    },
  });
  tf.registerGradient({
    kernelName: FUSED_KERNELS.layerNorm,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved) => {
      const [x, gamma, mean, rstd] = saved;
      const dy = Array.isArray(dys) ? dys[0] : dys;
      const [dx, dgamma, dbeta] = tf.engine().runKernel(FUSED_KERNELS.layerNormGrad, { x, gamma, dy, mean, rstd }) as tf.Tensor[];
      return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
    },
  });
}

/**
 * Exact GELU, `0.5 x (1 + erf(x / sqrt 2))` (DistilBERT's `gelu`), with TensorFlow.js's erf. Where the current
 * backend has a kernel registered as `FUSED_KERNELS.gelu` (the cpu backend with `@mangaassist/cpu-kernels`' native
 * kernels) it is one fused kernel forward and one backward; elsewhere it is the same composite of TensorFlow.js ops
 * a model would write, so results agree either way.
 *
 * @example
 * ```ts
 * const hidden = geluErf(linear(x, w1, b1));
 * ```
 */
export function geluErf<T extends tf.Tensor>(x: T): T {
  if (x.dtype === 'float32' && hasKernel(FUSED_KERNELS.gelu)) return tf.engine().runKernel(FUSED_KERNELS.gelu, { x }) as T;
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))))) as T;
}

/**
 * Layer normalisation over the last axis with the biased variance (`torch.nn.LayerNorm`): one fused kernel each
 * way where the current backend registers `FUSED_KERNELS.layerNorm` (the cpu backend with native kernels), the
 * composite of TensorFlow.js ops otherwise.
 *
 * @throws RangeError when gamma or beta is not a vector of the last axis' size
 *
 * @example
 * ```ts
 * const y = layerNorm(x, gamma, beta, 1e-12);
 * ```
 */
export function layerNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): T {
  const cols = x.shape[x.shape.length - 1];
  if (gamma.shape.length !== 1 || gamma.shape[0] !== cols || beta.shape.length !== 1 || beta.shape[0] !== cols) {
    throw new RangeError(`layerNorm: gamma and beta must have shape [${cols}], got [${gamma.shape}] and [${beta.shape}]`);
  }
  if (x.dtype === 'float32' && x.rank > 0 && hasKernel(FUSED_KERNELS.layerNorm)) {
    const [y] = tf.engine().runKernel(FUSED_KERNELS.layerNorm, { x, gamma, beta }, { epsilon }) as tf.Tensor[];
    return y as T;
  }
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
  }) as T;
}
