// Test helpers: run the same TensorFlow.js computation with the JavaScript kernels and with this package's kernels.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerNativeCpuKernels, unregisterNativeCpuKernels, type RegisterOptions } from '../register';

// Silences the one-time "install tfjs-node" banner of the cpu backend in test output.
tf.env().set('IS_TEST', true);

/** Values and shapes of every output of `fn`, run with the JavaScript kernels and then with the overrides. */
export function runBoth(fn: () => tf.Tensor | tf.Tensor[], options: RegisterOptions = {}): { js: tf.Tensor[]; fast: tf.Tensor[] } {
  unregisterNativeCpuKernels();
  const js = ([] as tf.Tensor[]).concat(tf.tidy(fn));
  registerNativeCpuKernels(options);
  try {
    const fast = ([] as tf.Tensor[]).concat(tf.tidy(fn));
    return { js, fast };
  } finally {
    unregisterNativeCpuKernels();
  }
}

/** Largest |a - b| / (1 + |b|) over two arrays of equal length (NaN when they disagree on NaN). */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) {
      if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Number.NaN;
      continue;
    }
    if (a[i] === b[i]) continue;
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  }
  return worst;
}

/** Asserts equal shapes, dtypes and values within `tolerance` (relative, see {@link maxRelativeError}). */
export function expectSame(fn: () => tf.Tensor | tf.Tensor[], tolerance = 1e-5, options: RegisterOptions = {}): void {
  const { js, fast } = runBoth(fn, options);
  try {
    expect(fast.length).toBe(js.length);
    fast.forEach((t, i) => {
      expect(t.shape).toEqual(js[i].shape);
      expect(t.dtype).toBe(js[i].dtype);
      expect(maxRelativeError(t.dataSync(), js[i].dataSync())).toBeLessThanOrEqual(tolerance);
    });
  } finally {
    tf.dispose([...js, ...fast]);
  }
}

/** Deterministic pseudo-random normal tensor (tests must not depend on Math.random). */
export function randn(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}
