// Every registered loss, whatever its formula: gradients agree with finite differences, |z| = 100 is finite,
// reductions agree, inputs are checked and no tensor leaks. A new plugin must add its cases to CASES.
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './__tests__/cpu-backend';
import { autodiff, finiteDifferences, worstRatio } from './__tests__/gradient-check';
import type { Loss } from './loss';
import { createLossRegistry } from './registry';

const labels = ['frustration', 'satisfaction', 'urgency', 'neutral'];
// Logits away from ASL's kinks (logit(0.05) = −2.94, logit(0.1) = −2.20) by more than the step h.
const logits = [
  [2.0, -1.5, 0.3, -4.0],
  [-0.7, 3.1, -2.5, 0.0],
  [4.0, -5.0, 1.1, -0.2],
];
const targets = [
  [1, 0, 1, 0],
  [0, 1, 0, 1],
  [1, 1, 0, 0],
];

const CASES: Record<string, object[]> = {
  bce: [{}],
  focal: [{}, { gamma: 0.5, alpha: [0.4, 1, 2.57, 6] }],
  asymmetric: [{}, { gammaPos: 1, gammaNeg: 2, clip: 0.1, weights: { urgency: 2 } }, { clip: 0 }],
  'uncertainty-weighted': [{ initialLogVariance: 0.3 }],
};

// Central differences in float32 with h = 1e-2 on the mean loss: |autodiff − FD| measured ≤ 3.4e-6 on gradients up
// to 0.24 (float32 rounding of the loss divided by 2h dominates), so 2e-5 + 1e-3·|g| leaves a margin of ~6.
const H = 1e-2;
const ATOL = 2e-5;
const RTOL = 1e-3;

beforeAll(useCpuBackend);

const cases = Object.entries(CASES).flatMap(([id, list]) => list.map((options) => [id, options] as const));

describe('every loss plugin', () => {
  it('has test cases for every registered id', () => {
    expect(Object.keys(CASES).sort()).toEqual(createLossRegistry().ids());
  });

  describe.each(cases)('%s %j', (id, options) => {
    let loss: Loss;
    let sum: Loss;
    let none: Loss;
    beforeAll(() => {
      const registry = createLossRegistry();
      loss = registry.create(id, options, { labels });
      sum = registry.create(id, { ...options, reduction: 'sum' }, { labels });
      none = registry.create(id, { ...options, reduction: 'none' }, { labels });
    });
    afterAll(() => {
      for (const l of [loss, sum, none]) l.dispose();
    });

    it('has a gradient with respect to the logits that matches central finite differences', () => {
      const y = tf.tensor2d(targets);
      const f = (z: tf.Tensor2D) => loss.compute(z, y);
      expect(worstRatio(autodiff(f, logits), finiteDifferences(f, logits, H), ATOL, RTOL)).toBeLessThanOrEqual(1);
      y.dispose();
    });

    it('has gradients with respect to its own variables that match central finite differences', () => {
      for (const variable of loss.trainableVariables()) {
        const original = variable.clone();
        const f = (v: tf.Tensor2D) => {
          variable.assign(tf.reshape(v, variable.shape));
          return loss.compute(tf.tensor2d(logits), tf.tensor2d(targets));
        };
        const at = [Array.from(original.dataSync())];
        const numeric = finiteDifferences(f, at, H);
        variable.assign(original);
        const { grads } = tf.variableGrads(
          () => loss.compute(tf.tensor2d(logits), tf.tensor2d(targets)) as tf.Scalar,
          [variable],
        );
        const analytic = [Array.from(grads[variable.name]!.dataSync())];
        expect(worstRatio(analytic, numeric, ATOL, RTOL)).toBeLessThanOrEqual(1);
        tf.dispose([original, grads]);
      }
    });

    it('stays finite with finite gradients at |z| = 100: confident and wrong costs, confident and right does not', () => {
      const z = [[100, -100, 100, -100]];
      const y = [[1, 0, 0, 1]];
      const values = tf.tidy(() => none.compute(tf.tensor2d(z), tf.tensor2d(y)).arraySync() as number[][])[0]!;
      const gradient = autodiff((t) => sum.compute(t, tf.tensor2d(y)), z)[0]!;
      for (const v of [...values, ...gradient]) expect(Number.isFinite(v)).toBe(true);
      // Wrong by a margin of 100 costs more than right (ASL's shifted negatives saturate at p_m^γ−·(−log m)).
      expect(values[2]! - values[0]!).toBeGreaterThan(1);
      expect(values[3]! - values[1]!).toBeGreaterThan(1);
      expect(Math.abs(gradient[0]!)).toBeLessThan(1e-6);
      expect(Math.abs(gradient[1]!)).toBeLessThan(1e-6);
      expect(gradient[2]).toBeGreaterThanOrEqual(0);
      expect(gradient[3]).toBeLessThan(0);
    });

    it('reduces consistently: none is N×L, sum adds it up, mean divides by N·L', () => {
      const [matrix, total, mean] = tf.tidy(() => {
        const z = tf.tensor2d(logits);
        const y = tf.tensor2d(targets);
        const m = none.compute(z, y);
        return [m.shape, tf.sum(m).dataSync()[0]!, loss.compute(z, y).dataSync()[0]!, sum.compute(z, y).dataSync()[0]!];
      }) as unknown as [number[], number, number, number];
      expect(matrix).toEqual([3, 4]);
      const summed = tf.tidy(() => sum.compute(tf.tensor2d(logits), tf.tensor2d(targets)).dataSync()[0]!);
      expect(summed).toBeCloseTo(total, 5);
      expect(mean).toBeCloseTo(total / 12, 6);
    });

    it('rejects logits and targets of the wrong shape, naming the parameter', () => {
      const two = tf.zeros([2, 2]) as tf.Tensor2D;
      const four = tf.zeros([2, 4]) as tf.Tensor2D;
      const three = tf.zeros([3, 4]) as tf.Tensor2D;
      expect(() => loss.compute(two, two)).toThrow(`${id} loss: logits have 2 columns but the loss was created for 4 labels`);
      expect(() => loss.compute(four, three)).toThrow(`${id} loss: targets must have the logits' shape [2, 4], got [3, 4]`);
      expect(() => loss.compute(tf.zeros([4]) as unknown as tf.Tensor2D, four)).toThrow(RangeError);
      tf.dispose([two, four, three]);
    });

    it('leaks no tensor in compute, in gradients, or on a thrown error', () => {
      const z = tf.tensor2d(logits);
      const y = tf.tensor2d(targets);
      const dy = tf.onesLike(z);
      const wrong = tf.zeros([1, 4]) as tf.Tensor2D;
      const before = tf.memory().numTensors;
      tf.dispose(loss.compute(z, y));
      tf.dispose(tf.grad((t) => loss.compute(t as tf.Tensor2D, y))(z));
      tf.dispose(tf.grad((t) => none.compute(t as tf.Tensor2D, y))(z, dy));
      expect(() => loss.compute(z, wrong)).toThrow();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([z, y, dy, wrong]);
    });
  });
});
