import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerNativeCpuKernels, unregisterNativeCpuKernels } from '../register';
import { expectSame, randn } from '../testing/compare';
import { unsortedSegmentSumJs } from './unsorted-segment-sum';

describe('unsortedSegmentSumJs', () => {
  it('adds each row into its segment and drops ids outside [0, numSegments)', () => {
    const x = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const out = unsortedSegmentSumJs(x, new Int32Array([2, -1, 2, 5]), 2, 3);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 1 + 5, 2 + 6]);
  });

  it('returns zeros for segments no id points at', () => {
    expect(Array.from(unsortedSegmentSumJs(new Float32Array(0), new Int32Array(0), 4, 2))).toEqual(new Array(8).fill(0));
  });
});

describe('the UnsortedSegmentSum override without the addon', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['rows of a matrix', [7, 3], [0, 4, 4, 1, 9, -2, 0], 5],
    ['scalars', [5], [1, 1, 0, 3, 3], 4],
    ['rows of a rank-3 tensor', [4, 2, 3], [3, 0, 3, 1], 4],
  ])('equals the TensorFlow.js kernel for %s', (_, shape, ids, numSegments) => {
    expectSame(() => tf.unsortedSegmentSum(randn(shape, 3), tf.tensor1d(ids, 'int32'), numSegments), 1e-6, { native: false });
  });

  it('keeps int32 data on the TensorFlow.js kernel', () => {
    expectSame(() => tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3], 'int32'), tf.tensor1d([1, 0, 1], 'int32'), 2), 0, { native: false });
  });

  it('is registered (and only it) when native kernels are turned off', () => {
    const result = registerNativeCpuKernels({ native: false });
    try {
      expect(result.registered).toEqual(['UnsortedSegmentSum']);
      expect(result.skipped.map((s) => s.kernel)).toContain('BatchMatMul');
      expect(result.skipped.every((s) => s.reason.includes('options.native = false'))).toBe(true);
    } finally {
      unregisterNativeCpuKernels();
    }
  });

  it('handles the embedding gradient of a 30,522-token vocabulary (the shape that took minutes)', () => {
    registerNativeCpuKernels({ native: false });
    try {
      const ids = tf.tensor1d([0, 30521, 17, 17], 'int32');
      const grad = tf.unsortedSegmentSum(tf.ones([4, 256]), ids, 30522);
      expect(grad.shape).toEqual([30522, 256]);
      const rows = tf.gather(grad, tf.tensor1d([0, 17, 30521, 5], 'int32')).arraySync() as number[][];
      expect(rows.map((r) => r[0])).toEqual([1, 2, 1, 0]);
      tf.dispose([ids, grad]);
    } finally {
      unregisterNativeCpuKernels();
    }
  });
});
