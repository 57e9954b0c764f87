import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../__tests__/cpu-backend';
import { autodiff, worstRatio } from '../__tests__/gradient-check';
import { asMatrix, computeMasked, MASK_3X4, REDUCTIONS } from '../__tests__/masked';
import { bce, bceGrad, unmaskedReference } from '../__tests__/reference';
import { createLossRegistry } from '../registry';

const labels = ['frustration', 'satisfaction', 'urgency', 'neutral'];
const logits = [
  [2.0, -1.5, 0.3, -4.0],
  [-0.7, 3.1, -2.2, 0.0],
  [6.0, -6.0, 1.1, -0.2],
];
const targets = [
  [1, 0, 1, 0],
  [0, 1, 0.3, 1],
  [1, 1, 0, 0],
];
const elements = logits.length * labels.length;

beforeAll(useCpuBackend);

describe('bce', () => {
  const create = (options: object = {}) => createLossRegistry().create('bce', options, { labels });

  it('matches −[y log p + (1 − y) log(1 − p)] computed in float64, soft targets included', () => {
    const loss = create({ reduction: 'none' });
    const values = tf.tidy(() => loss.compute(tf.tensor2d(logits), tf.tensor2d(targets)).arraySync()) as number[][];
    const expected = logits.map((row, i) => row.map((z, j) => bce(z, targets[i]![j]!)));
    expect(worstRatio(values, expected, 1e-6, 1e-6)).toBeLessThanOrEqual(1);
  });

  it('mean divides the sum by N·L', () => {
    const [mean, sum] = tf.tidy(() =>
      ['mean', 'sum'].map((reduction) =>
        create({ reduction }).compute(tf.tensor2d(logits), tf.tensor2d(targets)).dataSync()[0]!,
      ),
    );
    expect(mean).toBeCloseTo(sum! / elements, 6);
    const expected = logits.flatMap((row, i) => row.map((z, j) => bce(z, targets[i]![j]!))).reduce((a, b) => a + b);
    expect(sum).toBeCloseTo(expected, 4);
  });

  it('has gradient (σ(z) − y)/L for one example with the mean reduction', () => {
    const loss = create();
    const one = [logits[0]!];
    const gradient = autodiff((z) => loss.compute(z, tf.tensor2d([targets[0]!])), one);
    const expected = [one[0]!.map((z, j) => bceGrad(z, targets[0]![j]!) / labels.length)];
    expect(worstRatio(gradient, expected, 1e-7, 1e-5)).toBeLessThanOrEqual(1);
  });

  it('has gradient (σ(z) − y)/(N·L) for a batch, and σ(z) − y with sum', () => {
    const y = tf.tensor2d(targets);
    const mean = autodiff((z) => create().compute(z, y), logits);
    const sum = autodiff((z) => create({ reduction: 'sum' }).compute(z, y), logits);
    const analytic = logits.map((row, i) => row.map((z, j) => bceGrad(z, targets[i]![j]!)));
    expect(worstRatio(sum, analytic, 1e-7, 1e-5)).toBeLessThanOrEqual(1);
    expect(worstRatio(mean, analytic.map((row) => row.map((g) => g / elements)), 1e-8, 1e-5)).toBeLessThanOrEqual(1);
    y.dispose();
  });

  it('accepts int32 0/1 targets', () => {
    const loss = create();
    const [asFloat, asInt] = tf.tidy(() => [
      loss.compute(tf.tensor2d([[3, -2, 0, 1]]), tf.tensor2d([[1, 0, 1, 0]])).dataSync()[0],
      loss.compute(tf.tensor2d([[3, -2, 0, 1]]), tf.tensor2d([[1, 0, 1, 0]], [1, 4], 'int32')).dataSync()[0],
    ]);
    expect(asInt).toBe(asFloat);
  });

  describe('with a mask', () => {
    const mask = MASK_3X4;

    it.each(REDUCTIONS)('%s equals the float64 reference on the unmasked elements only', (reduction) => {
      const actual = computeMasked(create({ reduction }), logits, targets, mask);
      const expected = unmaskedReference((n, l) => bce(logits[n]![l]!, targets[n]![l]!), mask, reduction);
      expect(worstRatio(asMatrix(actual), asMatrix(expected), 1e-6, 1e-6)).toBeLessThanOrEqual(1);
    });

    it('mean divides by the 4 unmasked elements, not by N·L = 12', () => {
      const mean = computeMasked(create(), logits, targets, mask) as number;
      const sum = computeMasked(create({ reduction: 'sum' }), logits, targets, mask) as number;
      expect(mean).toBeCloseTo(sum / 4, 6);
    });

    it('has gradient (σ(z) − y)·m/Σm with mean and (σ(z) − y)·m with sum', () => {
      const y = tf.tensor2d(targets);
      const m = tf.tensor2d(mask);
      const mean = autodiff((z) => create().compute(z, y, m), logits);
      const sum = autodiff((z) => create({ reduction: 'sum' }).compute(z, y, m), logits);
      const analytic = logits.map((row, i) => row.map((z, j) => bceGrad(z, targets[i]![j]!) * mask[i]![j]!));
      expect(worstRatio(sum, analytic, 1e-7, 1e-5)).toBeLessThanOrEqual(1);
      expect(worstRatio(mean, analytic.map((row) => row.map((g) => g / 4)), 1e-8, 1e-5)).toBeLessThanOrEqual(1);
      tf.dispose([y, m]);
    });

    it('treats values other than 0/1 as per-element weights: sum Σ w·ℓ, mean Σ w·ℓ / (number of w > 0)', () => {
      const weights = [
        [0.5, 0, 2, 1],
        [0, 0, 0, 0],
        [1, 3, 0, 0.25],
      ];
      const expectedSum = logits
        .flatMap((row, n) => row.map((z, l) => weights[n]![l]! * bce(z, targets[n]![l]!)))
        .reduce((a, b) => a + b);
      const kept = weights.flat().filter((w) => w > 0).length; // 6
      const mean = computeMasked(create(), logits, targets, weights) as number;
      const sum = computeMasked(create({ reduction: 'sum' }), logits, targets, weights) as number;
      expect(sum).toBeCloseTo(expectedSum, 5);
      expect(mean).toBeCloseTo(expectedSum / kept, 6);
      // A weight shared by every kept element scales the mean (it does not cancel out), and its gradient.
      const doubled = MASK_3X4.map((row) => row.map((m) => 2 * m));
      const once = computeMasked(create(), logits, targets, MASK_3X4) as number;
      expect(computeMasked(create(), logits, targets, doubled) as number).toBeCloseTo(2 * once, 6);
    });
  });
});
