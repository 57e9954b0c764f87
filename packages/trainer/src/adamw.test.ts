import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './__tests__/fixtures';
import { AdamW } from './adamw';

beforeAll(useCpuBackend);

/** torch.optim.AdamW written out in float64, one scalar at a time. */
function referenceAdamW(
  p0: number[],
  grads: number[][],
  lrs: number[],
  { beta1 = 0.9, beta2 = 0.999, eps = 1e-8, wd = 0.01 } = {},
): number[] {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, k) => {
    const t = k + 1;
    const lr = lrs[k]!;
    for (let i = 0; i < p.length; i++) {
      p[i]! *= 1 - lr * wd;
      m[i] = beta1 * m[i]! + (1 - beta1) * g[i]!;
      v[i] = beta2 * v[i]! + (1 - beta2) * g[i]! ** 2;
      const denom = Math.sqrt(v[i]!) / Math.sqrt(1 - beta2 ** t) + eps;
      p[i]! -= (lr / (1 - beta1 ** t)) * (m[i]! / denom);
    }
  });
  return p;
}

const base = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 };

describe.each(['tensor', 'fused'] as const)('AdamW (%s)', (implementation) => {
  const options = { ...base, implementation };

  it('uses the requested implementation, and fused by default on the cpu backend', () => {
    expect(new AdamW(options).implementation).toBe(implementation);
    expect(new AdamW(base).implementation).toBe('fused');
  });

  it('matches torch.optim.AdamW over several steps with changing rates', async () => {
    const p0 = [0.5, -1.25, 2, 0.01];
    const grads = [
      [0.1, -0.2, 0.3, 0],
      [-0.05, 0.4, 0.3, 1e-3],
      [0.2, 0.1, -0.6, -2],
    ];
    const lrs = [1e-2, 5e-3, 2e-2];
    const w = tf.variable(tf.tensor2d(p0, [2, 2]));
    const adam = new AdamW(options);
    for (const [k, g] of grads.entries()) {
      const gradient = tf.tensor2d(g, [2, 2]);
      await adam.step([{ variable: w, gradient, lr: lrs[k]! }]);
      gradient.dispose();
    }
    const expected = referenceAdamW(p0, grads, lrs);
    [...w.dataSync()].forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 6));
    expect((await adam.getState(w))!.step).toBe(3);
    adam.dispose();
    w.dispose();
  });

  it('does not decay rank-1 variables (biases, LayerNorm) by default', async () => {
    const bias = tf.variable(tf.tensor1d([1, 1]));
    const adam = new AdamW({ ...options, weightDecay: 0.5 });
    const zero = tf.zeros([2]);
    await adam.step([{ variable: bias, gradient: zero, lr: 0.1 }]);
    expect([...bias.dataSync()]).toEqual([1, 1]);
    const kernel = tf.variable(tf.ones([1, 2]));
    const zero2 = tf.zeros([1, 2]);
    await adam.step([{ variable: kernel, gradient: zero2, lr: 0.1 }]);
    [...kernel.dataSync()].forEach((x) => expect(x).toBeCloseTo(1 - 0.1 * 0.5, 6));
    tf.dispose([bias, kernel, zero, zero2]);
    adam.dispose();
  });

  it('keeps state only for updated variables, each with its own step count', async () => {
    const a = tf.variable(tf.ones([2, 2]));
    const frozen = tf.variable(tf.ones([2, 2]));
    const adam = new AdamW(options);
    const g = tf.ones([2, 2]);
    await adam.step([{ variable: a, gradient: g, lr: 1e-3 }]);
    await adam.step([{ variable: a, gradient: g, lr: 1e-3 }]);
    expect(adam.hasState(frozen)).toBe(false);
    expect(adam.size).toBe(1);
    const late = tf.variable(tf.ones([2, 2]));
    await adam.step([{ variable: late, gradient: g, lr: 1e-3 }]);
    expect((await adam.getState(a))!.step).toBe(2);
    expect((await adam.getState(late))!.step).toBe(1);
    // Bias correction makes Adam's first step move each weight by lr (sign of the gradient), whatever the step of others.
    [...late.dataSync()].forEach((x) => expect(x).toBeCloseTo(1 - 1e-3 - 1e-3 * 0.01, 6));
    tf.dispose([a, frozen, late, g]);
    adam.dispose();
  });

  it('restores state so that the next step is identical', async () => {
    const make = () => tf.variable(tf.tensor2d([0.3, -0.7, 1.1, 0.2], [2, 2]));
    const g1 = tf.tensor2d([0.1, 0.2, -0.3, 0.4], [2, 2]);
    const g2 = tf.tensor2d([-0.2, 0.1, 0.5, 0.05], [2, 2]);
    const w = make();
    const adam = new AdamW(options);
    await adam.step([{ variable: w, gradient: g1, lr: 1e-2 }]);
    const saved = { state: (await adam.getState(w))!, weights: w.dataSync().slice() };
    await adam.step([{ variable: w, gradient: g2, lr: 1e-2 }]);

    const w2 = make();
    w2.assign(tf.tensor2d(saved.weights, [2, 2]));
    const adam2 = new AdamW(options);
    adam2.setState(w2, { step: saved.state.step, m: saved.state.m.slice(), v: saved.state.v.slice() });
    await adam2.step([{ variable: w2, gradient: g2, lr: 1e-2 }]);
    expect([...w2.dataSync()]).toEqual([...w.dataSync()]);
    tf.dispose([w, w2, g1, g2]);
    adam.dispose();
    adam2.dispose();
  });

  it('leaves frozen variables and their buffers untouched', async () => {
    const trained = tf.variable(tf.ones([2, 2]));
    const frozen = tf.variable(tf.ones([2, 2]));
    const g = tf.ones([2, 2]);
    const adam = new AdamW(options);
    await adam.step([{ variable: trained, gradient: g, lr: 0.1 }]);
    expect([...frozen.dataSync()]).toEqual([1, 1, 1, 1]);
    expect([...trained.dataSync()].every((x) => x < 1)).toBe(true);
    tf.dispose([trained, frozen, g]);
    adam.dispose();
  });

  it('does not leak tensors', async () => {
    const w = tf.variable(tf.ones([3, 3]));
    const g = tf.ones([3, 3]);
    const adam = new AdamW(options);
    await adam.step([{ variable: w, gradient: g, lr: 1e-3 }]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await adam.step([{ variable: w, gradient: g, lr: 1e-3 }]);
    expect(tf.memory().numTensors).toBe(before);
    adam.dispose();
    expect(tf.memory().numTensors).toBe(implementation === 'tensor' ? before - 2 : before);
    tf.dispose([w, g]);
  });

  it('rejects bad hyper-parameters and mismatched gradients', async () => {
    expect(() => new AdamW({ ...options, beta1: 1 })).toThrow(/beta1/);
    expect(() => new AdamW({ ...options, epsilon: 0 })).toThrow(/epsilon/);
    const adam = new AdamW(options);
    const w = tf.variable(tf.ones([2]));
    const g = tf.ones([3]);
    await expect(adam.step([{ variable: w, gradient: g, lr: 1e-3 }])).rejects.toThrow(/does not match/);
    const ok = tf.ones([2]);
    await expect(adam.step([{ variable: w, gradient: ok, lr: -1 }])).rejects.toThrow(/lr/);
    tf.dispose([w, g, ok]);
    adam.dispose();
  });
});
