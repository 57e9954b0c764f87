import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { nativeKernelsAvailable } from '../native-binding';
import { AdamWState, applyAdamW, type AdamWImplementation } from './adamw';

tf.env().set('IS_TEST', true);

/** torch.optim.AdamW's update, in double precision, for `steps` steps with the given gradients. */
function reference(p0: number[], grads: number[][], lr: number, wd: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): number[] {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, index) => {
    const t = index + 1;
    for (let i = 0; i < p.length; i++) {
      p[i] *= 1 - lr * wd;
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const mHat = m[i] / (1 - b1 ** t);
      const vHat = v[i] / (1 - b2 ** t);
      p[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
  });
  return p;
}

const implementations: AdamWImplementation[] = nativeKernelsAvailable().available ? ['js', 'native'] : ['js'];

describe.each(implementations)('applyAdamW (%s)', (implementation) => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('first step: p(1 - lr wd) - lr g / (|g| + eps)', async () => {
    const w = tf.variable(tf.tensor1d([1, -2, 0.5]), true, `first-${implementation}`);
    const g = tf.tensor1d([0.3, -4, 0]);
    await applyAdamW([w], { [w.name]: g }, new AdamWState(), { learningRate: 0.1, weightDecay: 0.5 }, implementation);
    const expected = [1 * 0.95 - 0.1 * (0.3 / (0.3 + 1e-8)), -2 * 0.95 + 0.1 * (4 / (4 + 1e-8)), 0.5 * 0.95];
    Array.from(w.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(expected[i], 6));
    tf.dispose([w, g]);
  });

  it('follows torch.optim.AdamW over several steps, each variable counting its own steps', async () => {
    const a = tf.variable(tf.tensor1d([0.2, -0.7, 1.3, 0]), true, `a-${implementation}`);
    const b = tf.variable(tf.tensor2d([[0.5, -0.5]]), true, `b-${implementation}`);
    const gradsA = [[0.1, -0.2, 0.3, 0.05], [-0.4, 0.1, 0.2, 0], [0.3, 0.3, -0.1, 0.2]];
    const gradsB = [[1, -2], [0.5, 0.25]];
    const state = new AdamWState();
    const hparams = { learningRate: 0.01, weightDecay: 0.1 };
    for (const [step, ga] of gradsA.entries()) {
      // b joins at the second step, like a layer unfrozen late.
      const vars = step === 0 ? [a] : [a, b];
      const grads: tf.NamedTensorMap = { [a.name]: tf.tensor1d(ga) };
      if (step > 0) grads[b.name] = tf.tensor2d([gradsB[step - 1]]);
      await applyAdamW(vars, grads, state, hparams, implementation);
      tf.dispose(Object.values(grads));
    }
    expect(state.slot(a).step).toBe(3);
    expect(state.slot(b).step).toBe(2);
    const expectedA = reference([0.2, -0.7, 1.3, 0], gradsA, 0.01, 0.1);
    const expectedB = reference([0.5, -0.5], gradsB, 0.01, 0.1);
    Array.from(a.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(expectedA[i], 6));
    Array.from(b.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(expectedB[i], 6));
    tf.dispose([a, b]);
  });

  it('does not touch a tensor that shares the variable buffer, and leaks no tensors', async () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, `shared-${implementation}`);
    const alias = tf.reshape(w, [2, 1]);
    const g = tf.tensor1d([1, 1]);
    const before = tf.memory().numTensors;
    await applyAdamW([w], { [w.name]: g }, new AdamWState(), { learningRate: 0.5, weightDecay: 0 }, implementation);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(alias.dataSync())).toEqual([1, 2]);
    expect(w.dataSync()[0]).toBeCloseTo(0.5, 5);
    tf.dispose([w, alias, g]);
  });
});

describe('applyAdamW argument checks', () => {
  it('names the variable without a gradient and the bad hyperparameter', async () => {
    const w = tf.variable(tf.zeros([2]), true, 'checked');
    await expect(applyAdamW([w], {}, new AdamWState(), { learningRate: 1e-3 })).rejects.toThrow('gradients: no gradient for variable "checked"');
    await expect(applyAdamW([w], { checked: tf.zeros([2]) }, new AdamWState(), { learningRate: -1 })).rejects.toThrow(/hparams.learningRate must be/);
    await expect(applyAdamW([w], { checked: tf.zeros([2]) }, new AdamWState(), { learningRate: 1, beta2: 1 })).rejects.toThrow(/hparams.beta2 must be in \[0, 1\)/);
    await expect(applyAdamW([w], { checked: tf.zeros([3]) }, new AdamWState(), { learningRate: 1 })).rejects.toThrow(RangeError);
    w.dispose();
  });

  it('leaves the step count alone when a read fails', async () => {
    const w = tf.variable(tf.zeros([2]), true, 'unreadable');
    const g = tf.zeros([2]);
    const state = new AdamWState();
    const read = jest.spyOn(g, 'data').mockRejectedValue(new Error('device lost'));
    await expect(applyAdamW([w], { [w.name]: g }, state, { learningRate: 1 })).rejects.toThrow('device lost');
    expect(state.slot(w).step).toBe(0);
    read.mockRestore();
    tf.dispose([w, g]);
  });
});
