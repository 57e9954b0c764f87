import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradient functions; the union package does.
import '@tensorflow/tfjs';
import { geluErf, layerNorm } from '@mangaassist/fused-ops';
import { nativeKernelsAvailable } from '../native-binding';
import { registerNativeCpuKernels, unregisterNativeCpuKernels } from '../register';
import { expectSame, randn } from '../testing/compare';

const availability = nativeKernelsAvailable();

describe('geluErf and layerNorm (composite TensorFlow.js ops without the fused kernels)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gelu matches 0.5 x (1 + erf(x / sqrt 2)) at known points', () => {
    // Exact values; TensorFlow.js's erf approximation is within 1.5e-7.
    const out = geluErf(tf.tensor1d([-1, 0, 1, 2])).dataSync();
    [-0.158655254, 0, 0.841344746, 1.954499736].forEach((e, i) => expect(out[i]).toBeCloseTo(e, 6));
  });

  it('layer norm of [1, 2, 3] is [-1.2247, 0, 1.2247] before the affine part', () => {
    const out = layerNorm(tf.tensor2d([[1, 2, 3]]), tf.tensor1d([1, 1, 1]), tf.tensor1d([0, 0, 0]), 1e-12).dataSync();
    [-1.2247449, 0, 1.2247449].forEach((e, i) => expect(out[i]).toBeCloseTo(e, 5));
  });

  it('rejects gamma and beta that do not match the last axis, naming them', () => {
    expect(() => layerNorm(tf.ones([2, 3]), tf.ones([4]), tf.ones([3]), 1e-5)).toThrow('layerNorm: gamma and beta must have shape [3]');
  });
});

(availability.available ? describe : describe.skip)(`fused kernels equal the composite ops (${availability.reason ?? 'addon built'})`, () => {
  it('gelu forward and gradient', () => {
    const x = tf.mul(randn([64, 33], 1), 3);
    const w = randn([64, 33], 2);
    expectSame(() => geluErf(x), 1e-6);
    expectSame(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(geluErf(v), w)))(x), 1e-5);
  });

  it('layer norm forward and gradients for x, gamma and beta', () => {
    const x = tf.add(tf.mul(randn([2, 5, 16], 3), 2), 0.5);
    const gamma = tf.add(randn([16], 4), 1);
    const beta = randn([16], 5);
    const w = randn([2, 5, 16], 6);
    expectSame(() => layerNorm(x, gamma, beta, 1e-12), 1e-5);
    expectSame(() => tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layerNorm(a, g, b, 1e-12), w)))([x, gamma, beta]), 1e-4);
  });

  it('runs the fused kernels each way instead of the composite, and leaks no tensors', async () => {
    registerNativeCpuKernels();
    try {
      const x = randn([4, 8], 7);
      const before = tf.memory().numTensors;
      const info = await tf.profile(() => tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(layerNorm(geluErf(v), tf.ones([8]), tf.zeros([8]), 1e-5)))(x)));
      expect(info.kernelNames).toEqual(expect.arrayContaining(['MangaAssistGeluErf', 'MangaAssistGeluErfGrad', 'MangaAssistLayerNorm', 'MangaAssistLayerNormGrad']));
      expect(info.kernelNames).not.toContain('Erf');
      expect(info.kernelNames).not.toContain('Rsqrt');
      (info.result as tf.Tensor).dispose();
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      unregisterNativeCpuKernels();
    }
  });
});
