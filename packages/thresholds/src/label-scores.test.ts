import { fbetaScore, LabelScores } from './label-scores';
import { naiveMetrics, syntheticColumn } from './__tests__/reference-metrics';

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

describe('fbetaScore', () => {
  it('reduces to the harmonic mean at beta 1 and weighs recall for beta > 1', () => {
    expect(fbetaScore(0.5, 1, 1)).toBeCloseTo(2 / 3, 12);
    expect(fbetaScore(0.5, 1, 2)).toBeCloseTo((5 * 0.5) / (4 * 0.5 + 1), 12);
    expect(fbetaScore(1, 0.5, 2)).toBeLessThan(fbetaScore(0.5, 1, 2));
    expect(fbetaScore(0, 0, 2)).toBe(0);
    expect(() => fbetaScore(0.5, 0.5, 0)).toThrow(RangeError);
  });
});
