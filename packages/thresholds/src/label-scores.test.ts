import { createRng } from '@mangaassist/common';
import { bootstrapFbetaStandardError, fbetaScore, LabelScores } from './label-scores';
import { naiveMetrics, seededRandom, syntheticColumn } from './__tests__/reference-metrics';

describe('LabelScores', () => {
  it('matches a hand-computed example (predicted positive when p >= t)', () => {
    const scores = LabelScores.fromColumn([0.9, 0.8, 0.7, 0.6, 0.4, 0.3], [1, 0, 1, 1, 0, 0]);
    // t = 0.65 selects 0.9, 0.8, 0.7: tp 2, fp 1, fn 1.
    expect(scores.metricsAt(0.65, 2)).toMatchObject({ tp: 2, fp: 1, fn: 1, tn: 2 });
    expect(scores.metricsAt(0.65, 2).precision).toBeCloseTo(2 / 3, 12);
    expect(scores.metricsAt(0.65, 2).recall).toBeCloseTo(2 / 3, 12);
    // A probability equal to the threshold counts as positive.
    expect(scores.countsAt(0.7)).toEqual({ tp: 2, fp: 1, fn: 1, tn: 2 });
    expect(scores.countsAt(0.70001)).toEqual({ tp: 1, fp: 1, fn: 2, tn: 2 });
    expect(scores.support).toBe(3);
    expect(scores.size).toBe(6);
  });

  it('agrees with direct counting on random data at every grid threshold and beta', () => {
    const { probabilities, targets } = syntheticColumn(7, 500, 0.3);
    const scores = LabelScores.fromColumn(probabilities, targets);
    for (let t = 0.005; t < 1; t += 0.005) {
      for (const beta of [0.5, 1, 2]) {
        const fast = scores.metricsAt(t, beta);
        const slow = naiveMetrics(probabilities, targets, t, beta);
        expect([fast.tp, fast.fp, fast.fn]).toEqual([slow.tp, slow.fp, slow.fn]);
        expect(fast.fbeta).toBeCloseTo(slow.fbeta, 12);
      }
    }
  });

  it('uses 0 for undefined precision and recall', () => {
    const none = LabelScores.fromColumn([0.2, 0.4], [0, 0]);
    expect(none.metricsAt(0.3)).toMatchObject({ precision: 0, recall: 0, fbeta: 0 });
    expect(LabelScores.fromColumn([0.2], [1]).metricsAt(0.9)).toMatchObject({ precision: 0, recall: 0 });
  });

  it('rejects bad inputs naming the index', () => {
    expect(() => LabelScores.fromColumn([0.1, 1.2], [0, 1])).toThrow('probabilities[1] must be in [0, 1], got 1.2');
    expect(() => LabelScores.fromColumn([0.1, Number.NaN], [0, 1])).toThrow(RangeError);
    expect(() => LabelScores.fromColumn([0.1, 0.2], [0, 2])).toThrow('targets[1] must be 0 or 1, got 2');
    expect(() => LabelScores.fromColumn([0.1], [0, 1])).toThrow('same length');
  });
});

describe('LabelScores.resample', () => {
  const { probabilities, targets } = syntheticColumn(5, 400, 0.3);
  const scores = LabelScores.fromColumn(probabilities, targets);

  it('draws as many examples as there are from the original ones, with replacement, seeded', () => {
    const drawn = scores.resample(createRng(3));
    expect(drawn.size).toBe(scores.size);
    for (const p of drawn.positives) expect(scores.positives).toContain(p);
    for (const p of drawn.negatives) expect(scores.negatives).toContain(p);
    expect(new Set(drawn.positives).size + new Set(drawn.negatives).size).toBeLessThan(drawn.size);
    expect(scores.resample(createRng(3))).toEqual(drawn);
    expect(scores.resample(createRng(4))).not.toEqual(drawn);
  });

  it('keeps the support near its expectation over many resamples, varying it from one to the next', () => {
    const rng = createRng(9);
    const supports = Array.from({ length: 200 }, () => scores.resample(rng).support);
    const mean = supports.reduce((a, b) => a + b, 0) / supports.length;
    // Binomial(400, p) with p the support's share: standard deviation of the mean of 200 draws under 0.7.
    expect(Math.abs(mean - scores.support)).toBeLessThan(2.5);
    expect(new Set(supports).size).toBeGreaterThan(5);
  });
});

describe('fbetaScore', () => {
  it('reduces to the harmonic mean at beta 1 and weighs recall for beta > 1', () => {
    expect(fbetaScore(0.5, 1, 1)).toBeCloseTo(2 / 3, 12);
    expect(fbetaScore(0.5, 1, 2)).toBeCloseTo((5 * 0.5) / (4 * 0.5 + 1), 12);
    expect(fbetaScore(1, 0.5, 2)).toBeLessThan(fbetaScore(0.5, 1, 2));
    expect(fbetaScore(0, 0, 2)).toBe(0);
    expect(() => fbetaScore(0.5, 0.5, 0)).toThrow(RangeError);
  });
});

describe('bootstrapFbetaStandardError', () => {
  const { probabilities, targets } = syntheticColumn(5, 1000, 0.25);
  const scores = LabelScores.fromColumn(probabilities, targets);

  it('agrees with a naive bootstrap that resamples the examples themselves', () => {
    const random = seededRandom(99);
    const values: number[] = [];
    for (let r = 0; r < 400; r += 1) {
      const picks = probabilities.map(() => Math.floor(random() * probabilities.length));
      const drawnProbabilities = picks.map((i) => probabilities[i] as number);
      const drawnTargets = picks.map((i) => targets[i] as number);
      values.push(naiveMetrics(drawnProbabilities, drawnTargets, 0.3, 2).fbeta);
    }
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const naive = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
    const fast = bootstrapFbetaStandardError(scores, 0.3, 2, { resamples: 400, seed: 1 });
    // Two independent 400-resample estimates of the same standard deviation differ by a few percent.
    expect(fast / naive).toBeGreaterThan(0.85);
    expect(fast / naive).toBeLessThan(1.15);
  });

  it('halves when the same data is four times as large, is 0 for a perfect split and repeats for a seed', () => {
    const four = LabelScores.fromColumn([0, 1, 2, 3].flatMap(() => probabilities), [0, 1, 2, 3].flatMap(() => targets));
    const once = bootstrapFbetaStandardError(scores, 0.3, 2, { resamples: 400, seed: 2 });
    const ratio = bootstrapFbetaStandardError(four, 0.3, 2, { resamples: 400, seed: 2 }) / once;
    expect(ratio).toBeGreaterThan(0.42);
    expect(ratio).toBeLessThan(0.58);
    // 20 positives above 0.5 and 20 negatives below: every resample (with at least one positive) scores 1.
    const perfect = LabelScores.fromColumn(
      Array.from({ length: 40 }, (_, i) => (i < 20 ? 0.9 : 0.1)),
      Array.from({ length: 40 }, (_, i) => (i < 20 ? 1 : 0)),
    );
    expect(bootstrapFbetaStandardError(perfect, 0.5, 2, { resamples: 50, seed: 0 })).toBe(0);
    expect(bootstrapFbetaStandardError(scores, 0.3, 2, { resamples: 50, seed: 3 })).toBe(
      bootstrapFbetaStandardError(scores, 0.3, 2, { resamples: 50, seed: 3 }),
    );
  });

  it('refuses fewer than two resamples', () => {
    expect(() => bootstrapFbetaStandardError(scores, 0.3, 2, { resamples: 1, seed: 0 })).toThrow(/resamples must be an integer of at least 2, got 1/);
  });
});
