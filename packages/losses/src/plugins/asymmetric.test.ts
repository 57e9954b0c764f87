import * as tf from '@tensorflow/tfjs-core';
import { isMangaAssistError } from '@mangaassist/common';
import { useCpuBackend } from '../__tests__/cpu-backend';
import { autodiff, worstRatio } from '../__tests__/gradient-check';
import { asMatrix, computeMasked, MASK_3X4, REDUCTIONS } from '../__tests__/masked';
import { asl, aslGrad, bce, logit, unmaskedReference } from '../__tests__/reference';
import { createLossRegistry } from '../registry';

const labels = ['frustration', 'satisfaction', 'urgency', 'neutral'];
// No logit sits at logit(m) for the margins used (the kink where p = m), e.g. logit(0.05) = −2.94.
const logits = [
  [2.0, -1.5, 0.3, -4.0],
  [-0.7, 3.1, -2.2, 0.0],
  [6.0, -6.0, 1.1, -0.2],
];
const targets = [
  [1, 0, 1, 0],
  [0, 1, 0, 1],
  [1, 1, 0, 0],
];

beforeAll(useCpuBackend);

const create = (options: object) => createLossRegistry().create('asymmetric', options, { labels });

function matrix(options: object, z = logits, y = targets): number[][] {
  const loss = create({ ...options, reduction: 'none' });
  return tf.tidy(() => loss.compute(tf.tensor2d(z), tf.tensor2d(y)).arraySync() as number[][]);
}

describe('asymmetric', () => {
  it('with γ+ = γ− = 0 and m = 0 equals BCE', () => {
    const values = matrix({ gammaPos: 0, gammaNeg: 0, clip: 0 });
    const expected = logits.map((row, i) => row.map((z, j) => bce(z, targets[i]![j]!)));
    expect(worstRatio(values, expected, 1e-6, 1e-6)).toBeLessThanOrEqual(1);
  });

  it('uses defaults γ+ = 0, γ− = 4, m = 0.05', () => {
    expect(createLossRegistry().parseOptions('asymmetric', {})).toEqual({
      gammaPos: 0,
      gammaNeg: 4,
      clip: 0.05,
      reduction: 'mean',
    });
  });

  it('matches Ridnik et al.’s formula in float64 for several settings and per-label weights', () => {
    const weights = [1, 2, 0.5, 3];
    for (const [gammaPos, gammaNeg, clip] of [
      [0, 4, 0.05],
      [1, 4, 0.05],
      [0, 2, 0],
      [0.5, 0.5, 0.2],
    ] as const) {
      const values = matrix({ gammaPos, gammaNeg, clip, weights });
      const expected = logits.map((row, i) =>
        row.map((z, j) => asl(z, targets[i]![j]!, gammaPos, gammaNeg, clip, weights[j])),
      );
      expect(worstRatio(values, expected, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
    }
  });

  it('discards negatives with p ≤ m (zero loss, zero gradient) and keeps positives whatever p', () => {
    const z = [[logit(0.04), logit(0.04), logit(0.3), -12]];
    const y = [[0, 1, 0, 0]];
    const values = matrix({ gammaNeg: 4, clip: 0.05 }, z, y)[0]!;
    expect(Math.abs(values[0]!)).toBe(0);
    expect(values[1]).toBeCloseTo(-Math.log(0.04), 5);
    expect(values[2]).toBeCloseTo(0.25 ** 4 * -Math.log(0.75), 6);
    expect(Math.abs(values[3]!)).toBe(0);
    const loss = create({ gammaNeg: 4, clip: 0.05, reduction: 'sum' });
    const gradient = autodiff((t) => loss.compute(t, tf.tensor2d(y)), z)[0]!;
    expect(Math.abs(gradient[0]!)).toBe(0);
    expect(Math.abs(gradient[3]!)).toBe(0);
    expect(gradient[1]).toBeCloseTo(0.04 - 1, 5);
  });

  it('has the analytic gradient of both sides, shifted negatives included', () => {
    const weights = [1, 2, 0.5, 3];
    const y = tf.tensor2d(targets);
    for (const [gammaPos, gammaNeg, clip] of [
      [0, 4, 0.05],
      [1, 4, 0.05],
      [0, 0, 0.05],
      [2, 3, 0],
      [0.5, 0.5, 0.2],
    ] as const) {
      const loss = create({ gammaPos, gammaNeg, clip, weights, reduction: 'sum' });
      const gradient = autodiff((z) => loss.compute(z, y), logits);
      const expected = logits.map((row, i) =>
        row.map((z, j) => aslGrad(z, targets[i]![j]!, gammaPos, gammaNeg, clip, weights[j])),
      );
      expect(worstRatio(gradient, expected, 1e-7, 1e-4)).toBeLessThanOrEqual(1);
    }
    y.dispose();
  });

  it.each([
    [{ gammaNeg: -1 }, 'loss[asymmetric].options.gammaNeg'],
    [{ gammaPos: -0.1 }, 'loss[asymmetric].options.gammaPos'],
    [{ clip: 1 }, 'loss[asymmetric].options.clip'],
    [{ weights: [1, 2] }, 'loss[asymmetric].options.weights has 2 value(s) but there are 4 labels'],
  ])('rejects %j with a clear error', (options, message) => {
    let error: unknown;
    try {
      create(options);
    } catch (e) {
      error = e;
    }
    expect(isMangaAssistError(error, 'PLUGIN_OPTIONS_INVALID')).toBe(true);
    expect((error as Error).message).toContain(message);
  });

  describe('with a mask', () => {
    const mask = MASK_3X4;
    const weights = [1, 2, 0.5, 3];
    const settings = { gammaPos: 1, gammaNeg: 4, clip: 0.05, weights };

    it.each(REDUCTIONS)('%s equals Ridnik et al.’s formula on the unmasked elements only', (reduction) => {
      const actual = computeMasked(create({ ...settings, reduction }), logits, targets, mask);
      const expected = unmaskedReference(
        (n, l) => asl(logits[n]![l]!, targets[n]![l]!, 1, 4, 0.05, weights[l]),
        mask,
        reduction,
      );
      expect(worstRatio(asMatrix(actual), asMatrix(expected), 1e-6, 1e-5)).toBeLessThanOrEqual(1);
    });

    it('has the analytic gradient times m (sum) and times m/Σm (mean)', () => {
      const y = tf.tensor2d(targets);
      const m = tf.tensor2d(mask);
      const analytic = logits.map((row, i) =>
        row.map((z, j) => aslGrad(z, targets[i]![j]!, 1, 4, 0.05, weights[j]) * mask[i]![j]!),
      );
      const sum = autodiff((z) => create({ ...settings, reduction: 'sum' }).compute(z, y, m), logits);
      const mean = autodiff((z) => create(settings).compute(z, y, m), logits);
      expect(worstRatio(sum, analytic, 1e-7, 1e-4)).toBeLessThanOrEqual(1);
      expect(worstRatio(mean, analytic.map((row) => row.map((g) => g / 4)), 1e-8, 1e-4)).toBeLessThanOrEqual(1);
      tf.dispose([y, m]);
    });
  });
});
