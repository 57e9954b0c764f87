// Every registered loss, whatever its formula: gradients agree with finite differences, |z| = 100 is finite,
// reductions agree, inputs are checked and no tensor leaks; with a mask, masked elements count for nothing (value,
// gradients, whatever their targets), all-ones is no mask, all-zeros is 0, and a wrong mask is rejected.
// A new plugin must add its cases to CASES.
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

// Mask checks: 4 examples; the urgency column is annotated by no example, the second example annotates no label,
// the other columns have different counts (3, 2, 2). Logits away from ASL's kinks like the ones above.
const maskLogits = [...logits, [-1.2, 0.8, 1.6, 2.4]];
const maskTargets = [...targets, [0, 1, 1, 1]];
const mask = [
  [1, 1, 0, 0],
  [0, 0, 0, 0],
  [1, 0, 0, 1],
  [1, 1, 0, 1],
];
// Every label kept the same number of times (2): with it, a per-element mean and a mean of per-label means agree.
const evenMask = [
  [1, 0, 1, 1],
  [0, 1, 0, 1],
  [1, 1, 0, 0],
  [0, 0, 1, 0],
];
const isMasked = (n: number, l: number) => mask[n]![l] === 0;

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

    describe('with a mask', () => {
      // Everything a compute() with a mask gives, as plain numbers: the three reductions, the gradients of mean, sum
      // and none (with an upstream gradient dy) with respect to the logits, and those of mean for the loss's variables.
      const dyNone = maskLogits.map((row, n) => row.map((_, l) => 0.5 + 0.25 * n - 0.3 * l));
      function everything(z: number[][], y: number[][], m: number[][] | undefined) {
        return tf.tidy(() => {
          const [zt, yt, mt, dy] = [tf.tensor2d(z), tf.tensor2d(y), m && tf.tensor2d(m), tf.tensor2d(dyNone)];
          const variables = loss.trainableVariables();
          // variableGrads() refuses an empty list: losses without variables have no variable gradients to compare.
          const grads =
            variables.length > 0 ? tf.variableGrads(() => loss.compute(zt, yt, mt) as tf.Scalar, variables).grads : {};
          return {
            mean: loss.compute(zt, yt, mt).dataSync()[0]!,
            sum: sum.compute(zt, yt, mt).dataSync()[0]!,
            none: none.compute(zt, yt, mt).arraySync() as number[][],
            dMean: tf.grad((t) => loss.compute(t as tf.Tensor2D, yt, mt))(zt).arraySync() as number[][],
            dSum: tf.grad((t) => sum.compute(t as tf.Tensor2D, yt, mt))(zt).arraySync() as number[][],
            dNone: tf.grad((t) => none.compute(t as tf.Tensor2D, yt, mt))(zt, dy).arraySync() as number[][],
            dVariables: variables.map((v) => Array.from(grads[v.name]!.dataSync())),
          };
        });
      }

      it('has gradients with respect to the logits that match central finite differences (mean, sum, none)', () => {
        const [y, m, dy] = [tf.tensor2d(maskTargets), tf.tensor2d(mask), tf.tensor2d(dyNone)];
        for (const f of [(z: tf.Tensor2D) => loss.compute(z, y, m), (z: tf.Tensor2D) => sum.compute(z, y, m)]) {
          const numeric = finiteDifferences(f, maskLogits, H);
          expect(worstRatio(autodiff(f, maskLogits), numeric, ATOL, RTOL)).toBeLessThanOrEqual(1);
        }
        // none: the gradient for an upstream dy is that of Σ dy·ℓ, whose finite differences need no op gradient.
        const weighted = (z: tf.Tensor2D) => tf.sum(tf.mul(none.compute(z, y, m), dy));
        const analytic = tf.tidy(
          () => tf.grad((t) => none.compute(t as tf.Tensor2D, y, m))(tf.tensor2d(maskLogits), dy).arraySync() as number[][],
        );
        expect(worstRatio(analytic, finiteDifferences(weighted, maskLogits, H), ATOL, RTOL)).toBeLessThanOrEqual(1);
        tf.dispose([y, m, dy]);
      });

      it('has gradients with respect to its own variables that match central finite differences', () => {
        const [y, m] = [tf.tensor2d(maskTargets), tf.tensor2d(mask)];
        for (const variable of loss.trainableVariables()) {
          const original = variable.clone();
          const f = (v: tf.Tensor2D) => {
            variable.assign(tf.reshape(v, variable.shape));
            return loss.compute(tf.tensor2d(maskLogits), y, m);
          };
          const numeric = finiteDifferences(f, [Array.from(original.dataSync())], H);
          variable.assign(original);
          const { grads } = tf.variableGrads(() => loss.compute(tf.tensor2d(maskLogits), y, m) as tf.Scalar, [variable]);
          expect(worstRatio([Array.from(grads[variable.name]!.dataSync())], numeric, ATOL, RTOL)).toBeLessThanOrEqual(1);
          tf.dispose([original, grads]);
        }
        tf.dispose([y, m]);
      });

      it('gives masked elements exactly 0 in none and exactly 0 gradient, and a nonzero gradient to the others', () => {
        const got = everything(maskLogits, maskTargets, mask);
        for (const matrix of [got.none, got.dMean, got.dSum, got.dNone]) {
          matrix.forEach((row, n) => row.forEach((v, l) => {
            if (isMasked(n, l)) expect([n, l, Math.abs(v)]).toEqual([n, l, 0]);
            else expect(Number.isFinite(v)).toBe(true);
          }));
        }
        // The kept elements do get a gradient (an all-zero gradient would pass the checks above trivially).
        const kept = got.dSum.flatMap((row, n) => row.filter((_, l) => !isMasked(n, l)).map(Math.abs));
        expect(Math.max(...kept)).toBeGreaterThan(1e-2);
      });

      it('does not change at all when the target or the logit of a masked element changes (NaN targets included)', () => {
        const reference = everything(maskLogits, maskTargets, mask);
        const flipped = maskTargets.map((row, n) => row.map((t, l) => (isMasked(n, l) ? 1 - t : t)));
        const placeholder = maskTargets.map((row, n) => row.map((t, l) => (isMasked(n, l) ? Number.NaN : t)));
        const moved = maskLogits.map((row, n) => row.map((z, l) => (isMasked(n, l) ? -z + 3 : z)));
        expect(everything(maskLogits, flipped, mask)).toEqual(reference);
        expect(everything(maskLogits, placeholder, mask)).toEqual(reference);
        expect(everything(moved, maskTargets, mask)).toEqual(reference);
        // ...while the same change on a kept element does change the loss: the mask is not ignored.
        const keptFlipped = maskTargets.map((row, n) => row.map((t, l) => (n === 0 && l === 0 ? 1 - t : t)));
        expect(everything(maskLogits, keptFlipped, mask).mean).not.toBeCloseTo(reference.mean, 3);
      });

      it('equals no mask with an all-ones mask (float32 and int32), and the mask matters otherwise', () => {
        const ones = maskLogits.map((row) => row.map(() => 1));
        const plain = everything(maskLogits, maskTargets, undefined);
        const withOnes = everything(maskLogits, maskTargets, ones);
        for (const key of ['none', 'dMean', 'dSum', 'dNone'] as const) {
          expect(worstRatio(withOnes[key], plain[key], 1e-7, 1e-6)).toBeLessThanOrEqual(1);
        }
        expect(worstRatio([[withOnes.mean, withOnes.sum]], [[plain.mean, plain.sum]], 1e-7, 1e-6)).toBeLessThanOrEqual(1);
        expect(worstRatio(withOnes.dVariables, plain.dVariables, 1e-7, 1e-6)).toBeLessThanOrEqual(1);
        const asInt = tf.tidy(() => {
          const intOnes = tf.tensor2d(ones, undefined, 'int32') as tf.Tensor2D;
          return loss.compute(tf.tensor2d(maskLogits), tf.tensor2d(maskTargets), intOnes).dataSync()[0];
        });
        expect(asInt).toBe(withOnes.mean);
        expect(everything(maskLogits, maskTargets, mask).mean).not.toBeCloseTo(plain.mean, 3);
      });

      it('accepts int32 and bool masks, equal to the float32 mask', () => {
        const float = everything(maskLogits, maskTargets, mask).mean;
        const [asInt, asBool] = tf.tidy(() =>
          (['int32', 'bool'] as const).map((dtype) => {
            const typed = tf.tensor2d(mask, undefined, dtype) as tf.Tensor2D;
            return loss.compute(tf.tensor2d(maskLogits), tf.tensor2d(maskTargets), typed).dataSync()[0];
          }),
        );
        expect([asInt, asBool]).toEqual([float, float]);
      });

      it('gives 0, zero gradients (logits and variables) and no NaN for a batch with every element masked', () => {
        const zeros = maskLogits.map((row) => row.map(() => 0));
        const got = everything(maskLogits, maskTargets, zeros);
        expect([got.mean, got.sum]).toEqual([0, 0]);
        for (const matrix of [got.none, got.dMean, got.dSum, got.dNone, got.dVariables]) {
          for (const v of matrix.flat()) expect(Math.abs(v)).toBe(0);
        }
      });

      it('treats values other than 0/1 as per-element weights: a weight of 2 everywhere doubles value and gradients', () => {
        const plain = everything(maskLogits, maskTargets, mask);
        const doubled = everything(maskLogits, maskTargets, mask.map((row) => row.map((m) => 2 * m)));
        const twice = (m: number[][]) => m.map((row) => row.map((v) => 2 * v));
        expect(worstRatio([[doubled.mean, doubled.sum]], [[2 * plain.mean, 2 * plain.sum]], 1e-7, 1e-6)).toBeLessThanOrEqual(1);
        for (const key of ['none', 'dMean', 'dSum', 'dNone', 'dVariables'] as const) {
          expect(worstRatio(doubled[key], twice(plain[key]), 1e-7, 1e-6)).toBeLessThanOrEqual(1);
        }
        // Mixed weights: the gradient still matches finite differences.
        const weights = mask.map((row, n) => row.map((m, l) => m * (0.5 + 0.5 * ((n + l) % 3))));
        const [y, w] = [tf.tensor2d(maskTargets), tf.tensor2d(weights)];
        const f = (z: tf.Tensor2D) => loss.compute(z, y, w);
        const numeric = finiteDifferences(f, maskLogits, H);
        expect(worstRatio(autodiff(f, maskLogits), numeric, ATOL, RTOL)).toBeLessThanOrEqual(1);
        tf.dispose([y, w]);
      });

      it('reduces consistently: sum adds up none, mean divides by the number of unmasked elements', () => {
        const got = everything(maskLogits, maskTargets, mask);
        expect(got.sum).toBeCloseTo(got.none.flat().reduce((a, b) => a + b), 5);
        // With every label kept equally often, every loss's mean is the sum over the 8 kept elements divided by 8.
        const even = everything(maskLogits, maskTargets, evenMask);
        expect(even.mean).toBeCloseTo(even.sum / 8, 6);
      });

      it('rejects a mask of the wrong shape or type, naming the parameter', () => {
        const [z, y] = [tf.tensor2d(logits), tf.tensor2d(targets)];
        const shapes: number[][] = [[3, 3], [4, 4], [3], [1, 3, 4], [1, 4]];
        for (const shape of shapes) {
          const wrong: tf.Tensor = tf.ones(shape);
          expect(() => loss.compute(z, y, wrong as tf.Tensor2D)).toThrow(
            `${id} loss: mask must have the logits' shape [3, 4], got [${shape.join(', ')}]`,
          );
          wrong.dispose();
        }
        expect(() => loss.compute(z, y, mask as unknown as tf.Tensor2D)).toThrow(TypeError);
        expect(() => loss.compute(z, y, mask as unknown as tf.Tensor2D)).toThrow(`${id} loss: mask must be a tf.Tensor2D`);
        const complex = tf.complex(tf.ones([3, 4]), tf.zeros([3, 4])) as tf.Tensor2D;
        expect(() => loss.compute(z, y, complex)).toThrow(`${id} loss: mask must be float32, int32 or bool, got complex64`);
        tf.dispose([z, y, complex]);
      });

      it('leaks no tensor in compute, in gradients, or on a thrown error', () => {
        const [z, y] = [tf.tensor2d(maskLogits), tf.tensor2d(maskTargets)];
        const [m, dy] = [tf.tensor2d(mask, undefined, 'int32') as tf.Tensor2D, tf.onesLike(z)];
        const wrong = tf.zeros([1, 4]) as tf.Tensor2D;
        const before = tf.memory().numTensors;
        tf.dispose(loss.compute(z, y, m));
        tf.dispose(tf.grad((t) => loss.compute(t as tf.Tensor2D, y, m))(z));
        tf.dispose(tf.grad((t) => none.compute(t as tf.Tensor2D, y, m))(z, dy));
        if (sum.trainableVariables().length > 0) {
          const { value, grads } = tf.variableGrads(() => sum.compute(z, y, m) as tf.Scalar, sum.trainableVariables());
          tf.dispose([value, grads]);
        }
        expect(() => loss.compute(z, y, wrong)).toThrow();
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([z, y, m, dy, wrong]);
      });
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
