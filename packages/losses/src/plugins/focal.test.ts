import * as tf from '@tensorflow/tfjs-core';
import { isMangaAssistError } from '@mangaassist/common';
import { useCpuBackend } from '../__tests__/cpu-backend';
import { autodiff, worstRatio } from '../__tests__/gradient-check';
import { asMatrix, computeMasked, MASK_3X4, REDUCTIONS } from '../__tests__/masked';
import { bce, focal, focalGrad, logit, unmaskedReference } from '../__tests__/reference';
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

beforeAll(useCpuBackend);

const create = (options: object) => createLossRegistry().create('focal', options, { labels });

/** Per-element focal values (reduction none) for one positive target per probability, α = 1. */
function positiveValues(probabilities: readonly number[], gamma: number): number[] {
  const loss = createLossRegistry().create('focal', { gamma, reduction: 'none' }, { labels: ['x'] });
  return tf.tidy(() => {
    const z = tf.tensor2d(probabilities.map((p) => [logit(p)]));
    return Array.from(loss.compute(z, tf.onesLike(z)).dataSync());
  });
}

function matrix(loss: ReturnType<typeof create>, z = logits, y = targets): number[][] {
  return tf.tidy(() => loss.compute(tf.tensor2d(z), tf.tensor2d(y)).arraySync() as number[][]);
}

describe('focal', () => {
  it('with γ = 0 equals BCE, element by element and reduced', () => {
    const focalNone = matrix(create({ gamma: 0, reduction: 'none' }));
    const bceNone = matrix(createLossRegistry().create('bce', { reduction: 'none' }, { labels }));
    expect(worstRatio(focalNone, bceNone, 1e-7, 1e-6)).toBeLessThanOrEqual(1);
    const expected = logits.map((row, i) => row.map((z, j) => bce(z, targets[i]![j]!)));
    expect(worstRatio(focalNone, expected, 1e-6, 1e-6)).toBeLessThanOrEqual(1);
  });

  it('matches −α[y(1 − p)^γ log p + (1 − y)p^γ log(1 − p)] in float64 for several γ and α', () => {
    const alpha = [0.4, 1, 2.57, 6];
    for (const gamma of [0.5, 1, 2, 5]) {
      const values = matrix(create({ gamma, alpha, reduction: 'none' }));
      const expected = logits.map((row, i) => row.map((z, j) => focal(z, targets[i]![j]!, gamma, alpha[j])));
      expect(worstRatio(values, expected, 1e-7, 1e-5)).toBeLessThanOrEqual(1);
    }
  });

  it("reproduces the design document's focal-loss table with natural log, per element, α = 1, positive target", () => {
    // Seed: p = 0.95 → 0.051 / 0.003 / 0.0001 and p = 0.3 → 1.204 / 0.843 / 0.590 for γ = 0 / 1 / 2.
    const seed: Record<number, { p: number; shown: string; decimals: number }[]> = {
      0: [
        { p: 0.95, shown: '0.051', decimals: 3 },
        { p: 0.3, shown: '1.204', decimals: 3 },
      ],
      1: [
        { p: 0.95, shown: '0.003', decimals: 3 },
        { p: 0.3, shown: '0.843', decimals: 3 },
      ],
      2: [
        { p: 0.95, shown: '0.0001', decimals: 4 },
        { p: 0.3, shown: '0.590', decimals: 3 },
      ],
    };
    for (const [gamma, rows] of Object.entries(seed)) {
      const values = positiveValues(
        rows.map((r) => r.p),
        Number(gamma),
      );
      rows.forEach((row, i) => expect(values[i]!.toFixed(row.decimals)).toBe(row.shown));
    }
    // The other readings do not reproduce the table: log base 10 gives 0.022 at p = 0.95, γ = 0.
    expect((-Math.log10(0.95)).toFixed(3)).not.toBe('0.051');
  });

  it("explains the design document's 4,712× as the γ = 2 loss of a hard example (p = 0.3) over an easy one (p = 0.95)", () => {
    const [easy, hard] = positiveValues([0.95, 0.3], 2);
    const ratio = hard! / easy!;
    // Exact: 0.49·ln(0.3) / (0.0025·ln(0.95)) = 4,600.6; the design document's 4,712 = 0.589 / 0.000125 approximates
    // −ln 0.95 by 0.05 (easy loss 0.05²·0.05) and truncates 0.58995 to 0.589: 2.4% above the exact ratio.
    expect(ratio).toBeCloseTo((0.49 * Math.log(0.3)) / (0.0025 * Math.log(0.95)), 0);
    expect(ratio).toBeGreaterThan(4600);
    expect(ratio).toBeLessThan(4601.5);
    expect(Math.abs(ratio / 4712 - 1)).toBeLessThan(0.025);
    expect(0.589 / (0.05 ** 2 * 0.05)).toBeCloseTo(4712, 6);
  });

  it('gives the single-example BCE/focal ratio (1 − p)^−γ: 400 at p = 0.95, 4,712 only at p ≈ 0.9854 (γ = 2)', () => {
    const pFor4712 = 1 - 4712 ** -0.5; // 0.98543
    const focalValues = positiveValues([0.95, pFor4712], 2);
    const bceValues = positiveValues([0.95, pFor4712], 0);
    expect(bceValues[0]! / focalValues[0]!).toBeCloseTo(400, 1);
    expect(bceValues[1]! / focalValues[1]!).toBeCloseTo(4712, -1);
    expect(pFor4712).toBeCloseTo(0.98543, 5);
  });

  it('has the analytic gradient −α[y(1 − p)^γ((1 − p) − γ p log p) + (1 − y)p^γ(γ(1 − p)log(1 − p) − p)]', () => {
    const alpha = [0.4, 1, 2.57, 6];
    const y = tf.tensor2d(targets);
    for (const gamma of [0, 0.5, 2, 5]) {
      const loss = create({ gamma, alpha, reduction: 'sum' });
      const gradient = autodiff((z) => loss.compute(z, y), logits);
      const expected = logits.map((row, i) => row.map((z, j) => focalGrad(z, targets[i]![j]!, gamma, alpha[j])));
      expect(worstRatio(gradient, expected, 1e-7, 1e-5)).toBeLessThanOrEqual(1);
    }
    y.dispose();
  });

  it('accepts α as a map label → α (labels left out get 1)', () => {
    const fromMap = matrix(create({ alpha: { neutral: 0.4, urgency: 1.5 }, reduction: 'none' }));
    const fromList = matrix(create({ alpha: [1, 1, 1.5, 0.4], reduction: 'none' }));
    expect(fromMap).toEqual(fromList);
  });

  it.each([
    [{ gamma: -0.5 }, 'loss[focal].options.gamma'],
    [{ alpha: [1, 2, 3] }, 'loss[focal].options.alpha has 3 value(s) but there are 4 labels (frustration, satisfaction, urgency, neutral)'],
    [{ alpha: { churn: 2 } }, 'loss[focal].options.alpha names unknown label(s) "churn"; known labels: frustration'],
    [{ alpha: [1, 0, 1, 1] }, 'loss[focal].options.alpha'],
    [{ gamma: 2, beta: 1 }, 'unknown key(s) "beta"'],
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
    const alpha = [0.4, 1, 2.57, 6];

    it.each(REDUCTIONS)('%s equals the float64 reference on the unmasked elements only (γ = 2, α per label)', (reduction) => {
      const actual = computeMasked(create({ gamma: 2, alpha, reduction }), logits, targets, mask);
      const expected = unmaskedReference((n, l) => focal(logits[n]![l]!, targets[n]![l]!, 2, alpha[l]), mask, reduction);
      expect(worstRatio(asMatrix(actual), asMatrix(expected), 1e-7, 1e-5)).toBeLessThanOrEqual(1);
    });

    it('has the analytic gradient times m (sum) and times m/Σm (mean)', () => {
      const y = tf.tensor2d(targets);
      const m = tf.tensor2d(mask);
      const analytic = logits.map((row, i) => row.map((z, j) => focalGrad(z, targets[i]![j]!, 2, alpha[j]) * mask[i]![j]!));
      const sum = autodiff((z) => create({ gamma: 2, alpha, reduction: 'sum' }).compute(z, y, m), logits);
      const mean = autodiff((z) => create({ gamma: 2, alpha }).compute(z, y, m), logits);
      expect(worstRatio(sum, analytic, 1e-7, 1e-5)).toBeLessThanOrEqual(1);
      expect(worstRatio(mean, analytic.map((row) => row.map((g) => g / 4)), 1e-8, 1e-5)).toBeLessThanOrEqual(1);
      tf.dispose([y, m]);
    });
  });
});
