import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './__tests__/cpu-backend';
import { bceWithLogits, logSigmoid, stableSoftplus } from './stable-math';

beforeAll(useCpuBackend);

const values = (t: () => tf.Tensor) => tf.tidy(() => Array.from(t().dataSync()));

describe('stable math', () => {
  it('computes softplus without overflow or log(0) far into both tails', () => {
    const z = [-1000, -120, -100, -20, 0, 20, 100, 1000];
    const got = values(() => stableSoftplus(tf.tensor1d(z)));
    const expected = z.map((v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
    got.forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 5));
  });

  it('gives log σ(z) where the naive log(sigmoid(z)) underflows to −∞', () => {
    const naive = values(() => tf.log(tf.sigmoid(tf.tensor1d([-120]))));
    expect(naive[0]).toBe(-Infinity);
    expect(values(() => logSigmoid(tf.tensor1d([-120, -100, 0, 100])))).toEqual([
      -120,
      -100,
      expect.closeTo(-Math.LN2, 6),
      expect.closeTo(0, 6),
    ]);
  });

  it('gives BCE = max(z, 0) − z·y + log(1 + e^−|z|) for hard and soft targets', () => {
    const got = values(() => bceWithLogits(tf.tensor1d([100, -100, 0, 2]), tf.tensor1d([0, 0, 1, 0.25])));
    expect(got[0]).toBeCloseTo(100, 4);
    expect(got[1]).toBeCloseTo(0, 6);
    expect(got[2]).toBeCloseTo(Math.LN2, 6);
    expect(got[3]).toBeCloseTo(2 - 0.5 + Math.log1p(Math.exp(-2)), 6);
  });
});
