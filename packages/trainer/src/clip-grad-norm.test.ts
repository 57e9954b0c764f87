import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './__tests__/fixtures';
import { clipByGlobalNorm } from './clip-grad-norm';

beforeAll(useCpuBackend);

describe('clipByGlobalNorm', () => {
  it('scales all gradients together to the limit when above it', async () => {
    const a = tf.tensor1d([3, 0]);
    const b = tf.tensor2d([[0, 4]]);
    const { gradients, norm } = await clipByGlobalNorm([a, b], 1);
    expect(norm).toBeCloseTo(5, 6);
    expect([...gradients[0]!.dataSync()]).toEqual([expect.closeTo(0.6, 6), 0]);
    expect([...gradients[1]!.dataSync()]).toEqual([0, expect.closeTo(0.8, 6)]);
    tf.dispose([a, b, ...gradients]);
  });

  it('leaves gradients within the limit unchanged, and 0 disables clipping', async () => {
    const a = tf.tensor1d([0.3, 0.4]);
    const within = await clipByGlobalNorm([a], 1);
    expect([...within.gradients[0]!.dataSync()]).toEqual([...a.dataSync()]);
    const disabled = await clipByGlobalNorm([tf.mul(a, 100)], 0);
    expect(disabled.norm).toBeCloseTo(50, 4);
    expect([...disabled.gradients[0]!.dataSync()]).toEqual([expect.closeTo(30, 4), expect.closeTo(40, 4)]);
    tf.dispose([a, ...within.gradients, ...disabled.gradients]);
  });

  it('handles no gradients and rejects a negative limit', async () => {
    await expect(clipByGlobalNorm([], 1)).resolves.toEqual({ gradients: [], norm: 0 });
    await expect(clipByGlobalNorm([], -1)).rejects.toThrow(RangeError);
  });

  it('sums many gradients (more than a WebGPU kernel may bind) into one norm', async () => {
    const many = Array.from({ length: 40 }, () => tf.tensor1d([1, 1, 1, 1]));
    const { gradients, norm } = await clipByGlobalNorm(many, 0);
    expect(norm).toBeCloseTo(Math.sqrt(160), 5);
    tf.dispose([...many, ...gradients]);
  });
});
