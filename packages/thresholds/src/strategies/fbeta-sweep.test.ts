import { createRng, isMangaAssistError } from '@mangaassist/common';
import { bootstrapFbetaStandardError, LabelScores } from '../label-scores';
import { createThresholdStrategyRegistry } from '../strategy-registry';
import { naiveMetrics, syntheticColumn } from '../__tests__/reference-metrics';

const registry = createThresholdStrategyRegistry();
const sweep = (options: unknown = {}, labels?: string[]) =>
  registry.create('fbeta-sweep', options, labels ? { labels } : {});

describe('fbeta-sweep', () => {
  const { probabilities, targets } = syntheticColumn(11, 800, 0.25);
  const scores = LabelScores.fromColumn(probabilities, targets);

  it.each([
    ['frustration', 2],
    ['churn_risk', 2],
    ['urgency', 2],
    ['confusion', 1.5],
    ['satisfaction', 0.5],
    ['neutral', 1],
  ])('uses beta %s = %s by default and beats every point of the coarse sweep and of the fine sweep around its best', (label, beta) => {
    const choice = sweep().choose(label, scores);
    expect(choice.beta).toBe(beta);
    expect(choice.metric).toBe(`F${beta}`);
    expect(choice.threshold).toBeGreaterThanOrEqual(0.1);
    expect(choice.threshold).toBeLessThanOrEqual(0.9);
    const reference = naiveMetrics(probabilities, targets, choice.threshold, beta);
    expect(choice.score).toBeCloseTo(reference.fbeta, 12);
    expect(choice.precision).toBeCloseTo(reference.precision, 12);
    expect(choice.recall).toBeCloseTo(reference.recall, 12);
    expect(choice.support).toBe(targets.filter((t) => t === 1).length);
    for (let i = 0; i <= 16; i += 1) {
      expect(choice.score).toBeGreaterThanOrEqual(naiveMetrics(probabilities, targets, 0.1 + i * 0.05, beta).fbeta - 1e-12);
    }
    const coarseBest = sweep({ refineStep: 0 }).choose(label, scores).threshold;
    for (let i = -10; i <= 10; i += 1) {
      // Rounded like the grid: an accumulated 0.73500000001 would exclude an example at 0.735.
      const t = Math.round((coarseBest + i * 0.005) * 1e9) / 1e9;
      if (t < 0.1 || t > 0.9) continue;
      expect(choice.score).toBeGreaterThanOrEqual(naiveMetrics(probabilities, targets, t, beta).fbeta - 1e-12);
    }
  });

  it('refines off the coarse grid when that scores higher, and stays on it when refinement is off', () => {
    const refined = sweep().choose('frustration', scores);
    const coarse = sweep({ refineStep: 0 }).choose('frustration', scores);
    expect(Math.round(coarse.threshold * 20) / 20).toBeCloseTo(coarse.threshold, 9);
    expect(refined.score).toBeGreaterThanOrEqual(coarse.score);
    expect(Math.abs(refined.threshold - coarse.threshold)).toBeLessThanOrEqual(0.05 + 1e-9);
  });

  it('puts recall-focused labels at or below precision-focused ones on the same data', () => {
    const recallFocused = sweep().choose('frustration', scores).threshold;
    const precisionFocused = sweep().choose('satisfaction', scores).threshold;
    expect(recallFocused).toBeLessThan(precisionFocused);
  });

  it('breaks ties towards the lower threshold when beta > 1 and the higher one otherwise', () => {
    // One negative at 0.2, one positive at 0.8: every threshold in (0.2, 0.8] is perfect.
    const plateau = LabelScores.fromColumn([0.2, 0.8], [0, 1]);
    expect(sweep().choose('frustration', plateau)).toMatchObject({ threshold: 0.205, score: 1 });
    expect(sweep().choose('satisfaction', plateau)).toMatchObject({ threshold: 0.8, score: 1 });
    expect(sweep().choose('neutral', plateau)).toMatchObject({ threshold: 0.8, score: 1 });
  });

  it('takes betas from options over the defaults, and defaultBeta for unknown labels', () => {
    expect(sweep({ betas: { frustration: 3 } }).choose('frustration', scores)).toMatchObject({ beta: 3, metric: 'F3' });
    expect(sweep({ defaultBeta: 0.75 }).choose('admiration', scores)).toMatchObject({ beta: 0.75, metric: 'F0.75' });
  });

  it('notes a label without positive examples', () => {
    expect(sweep().choose('urgency', LabelScores.fromColumn([0.1, 0.7], [0, 0])).note).toMatch(/no positive example/);
  });

  describe('labels', () => {
    const modelLabels = ['frustration', 'churn_risk', 'urgency', 'neutral'];

    it('sweeps the listed labels exactly as without the option', () => {
      const only = sweep({ labels: ['frustration'] }, modelLabels).choose('frustration', scores);
      expect(only).toEqual(sweep().choose('frustration', scores));
      expect(only.note).toBeUndefined();
    });

    it('fixes every other label at 0.5 even where the sweep would choose otherwise, with F-beta measured there', () => {
      const swept = sweep().choose('urgency', scores);
      expect(swept.threshold).not.toBe(0.5);
      const fixed = sweep({ labels: ['frustration'] }, modelLabels).choose('urgency', scores);
      const reference = naiveMetrics(probabilities, targets, 0.5, 2);
      expect(fixed).toMatchObject({ threshold: 0.5, metric: 'F2', beta: 2, support: swept.support });
      expect(fixed.score).toBeCloseTo(reference.fbeta, 12);
      expect(fixed.precision).toBeCloseTo(reference.precision, 12);
      expect(fixed.recall).toBeCloseTo(reference.recall, 12);
      expect(fixed.note).toBe("fixed at 0.5: not in fbeta-sweep's labels");
    });

    it('fixes the other labels at otherThreshold, with their own beta', () => {
      const fixed = sweep({ labels: ['frustration'], otherThreshold: 0.7 }).choose('satisfaction', scores);
      expect(fixed).toMatchObject({ threshold: 0.7, metric: 'F0.5', beta: 0.5, note: "fixed at 0.7: not in fbeta-sweep's labels" });
      expect(fixed.score).toBeCloseTo(naiveMetrics(probabilities, targets, 0.7, 0.5).fbeta, 12);
    });

    it('notes a fixed label without positive examples', () => {
      const fixed = sweep({ labels: ['frustration'] }).choose('urgency', LabelScores.fromColumn([0.1, 0.7], [0, 0]));
      expect(fixed).toMatchObject({ threshold: 0.5, score: 0, support: 0 });
      expect(fixed.note).toBe("fixed at 0.5: not in fbeta-sweep's labels; no positive example in the data");
    });

    it('ignores otherThreshold when every label is swept', () => {
      expect(sweep({ otherThreshold: 0.7 }).choose('urgency', scores)).toEqual(sweep().choose('urgency', scores));
    });

    it('refuses a label the model does not have, naming the strategy, the option and the model labels', () => {
      let error: unknown;
      try {
        sweep({ labels: ['frustration', 'frustraton'] }, modelLabels);
      } catch (e) {
        error = e;
      }
      expect(isMangaAssistError(error, 'PLUGIN_OPTIONS_INVALID')).toBe(true);
      expect((error as Error).message).toBe(
        'threshold strategy "fbeta-sweep": options.labels names unknown label(s) "frustraton"; ' +
          'labels: frustration, churn_risk, urgency, neutral',
      );
    });

    it.each([
      [{ labels: [] }, /options\.labels: labels must name at least one label \(leave it out to choose every label\)/],
      [{ labels: ['frustration', 'urgency', 'frustration'] }, /options\.labels: labels names "frustration" more than once/],
      [{ labels: [''] }, /options\.labels\.0:/],
      [{ labels: 'frustration' }, /options\.labels:/],
      [{ labels: ['frustration'], otherThreshold: 0 }, /options\.otherThreshold:/],
      [{ labels: ['frustration'], otherThreshold: 1 }, /options\.otherThreshold:/],
      [{ labels: ['frustration'], otherThreshold: 1.5 }, /options\.otherThreshold:/],
    ])('refuses %j', (options, message) => {
      let error: unknown;
      try {
        sweep(options, modelLabels);
      } catch (e) {
        error = e;
      }
      expect(isMangaAssistError(error, 'PLUGIN_OPTIONS_INVALID')).toBe(true);
      expect((error as Error).message).toContain('"fbeta-sweep"');
      expect((error as Error).message).toMatch(message);
    });
  });

  describe('withinStandardErrors', () => {
    const beta = 2;
    const plain = sweep().choose('frustration', scores);
    const grid = Array.from({ length: 161 }, (_, i) => Math.round((0.1 + i * 0.005) * 1e9) / 1e9);
    const standardError = bootstrapFbetaStandardError(scores, plain.threshold, beta, { resamples: 200, seed: 0 });

    it('is the plain best at 0', () => {
      expect(sweep({ withinStandardErrors: 0 }).choose('frustration', scores)).toEqual(plain);
    });

    it('takes the threshold nearest 0.5 whose F-beta is within one standard error of the best', () => {
      const choice = sweep({ withinStandardErrors: 1 }).choose('frustration', scores);
      const floor = plain.score - standardError;
      expect(choice.threshold).not.toBe(plain.threshold);
      expect(Math.abs(choice.threshold - 0.5)).toBeLessThan(Math.abs(plain.threshold - 0.5));
      const reference = naiveMetrics(probabilities, targets, choice.threshold, beta);
      expect(choice.score).toBeCloseTo(reference.fbeta, 12);
      expect(choice.recall).toBeCloseTo(reference.recall, 12);
      expect(choice.score).toBeGreaterThanOrEqual(floor);
      // Every grid point nearer 0.5 falls below the floor.
      for (const t of grid.filter((t) => Math.abs(t - 0.5) < Math.abs(choice.threshold - 0.5) - 1e-12)) {
        expect(naiveMetrics(probabilities, targets, t, beta).fbeta).toBeLessThan(floor);
      }
      expect(choice.note).toBe(
        `best F2 ${plain.score.toFixed(3)} at ${plain.threshold}; nearest 0.5 within 1 standard error(s) (${standardError.toFixed(3)})`,
      );
    });

    it('moves further towards `towards` as the tolerance grows, reaching it when every threshold is tolerated', () => {
      const distances = [0, 0.5, 1, 2, 4].map((k) => Math.abs(sweep({ withinStandardErrors: k }).choose('frustration', scores).threshold - 0.5));
      distances.slice(1).forEach((d, i) => expect(d).toBeLessThanOrEqual((distances[i] as number) + 1e-12));
      expect(sweep({ withinStandardErrors: 1000 }).choose('frustration', scores).threshold).toBe(0.5);
      expect(sweep({ withinStandardErrors: 1000, towards: 0.35 }).choose('frustration', scores).threshold).toBe(0.35);
    });

    it('gives the same threshold for the same seed and leaves the labels it does not sweep at otherThreshold', () => {
      const options = { labels: ['frustration'], withinStandardErrors: 1 };
      expect(sweep(options).choose('frustration', scores)).toEqual(sweep(options).choose('frustration', scores));
      expect(sweep(options).choose('urgency', scores)).toEqual(sweep({ labels: ['frustration'] }).choose('urgency', scores));
    });

    it.each([
      [{ withinStandardErrors: -1 }, /options\.withinStandardErrors:/],
      [{ towards: 0 }, /options\.towards:/],
      [{ towards: 1 }, /options\.towards:/],
      [{ bootstrapResamples: 10 }, /options\.bootstrapResamples:/],
      [{ bootstrapResamples: 200.5 }, /options\.bootstrapResamples:/],
      [{ bootstrapSeed: 0.5 }, /options\.bootstrapSeed:/],
    ])('refuses %j', (options, message) => {
      expect(() => sweep(options)).toThrow(message);
    });
  });

  describe('baggedResamples', () => {
    const options = { withinStandardErrors: 0.5 };
    // Few resamples keep the test fast; the median's definition does not depend on how many.
    const resamples = 21;

    it('is the rule applied once at 0', () => {
      expect(sweep({ ...options, baggedResamples: 0 }).choose('frustration', scores)).toEqual(sweep(options).choose('frustration', scores));
    });

    it("is the median of the rule's thresholds on bootstrap resamples seeded bootstrapSeed + 1, reported on the data as it is", () => {
      const rng = createRng(1);
      const once = sweep(options);
      const choices = Array.from({ length: resamples }, () => once.choose('frustration', scores.resample(rng)).threshold).sort((a, b) => a - b);
      const choice = sweep({ ...options, baggedResamples: resamples }).choose('frustration', scores);
      expect(choice.threshold).toBe(choices[10]);
      // The resamples disagree, so the median is a choice among several, not the rule's one answer repeated.
      expect(new Set(choices).size).toBeGreaterThan(1);
      const reference = naiveMetrics(probabilities, targets, choice.threshold, 2);
      expect(choice.score).toBeCloseTo(reference.fbeta, 12);
      expect(choice.precision).toBeCloseTo(reference.precision, 12);
      expect(choice.recall).toBeCloseTo(reference.recall, 12);
      expect(choice.note).toContain(`median of ${resamples} bootstrap choices (quartiles ${choices[5]}–${choices[15]})`);
      expect(choice.note).toContain(`the rule on the data as it is: ${once.choose('frustration', scores).threshold}`);
    });

    it('interpolates between the two middle choices of an even number of resamples', () => {
      // A small column, so that the middle two of four resampled choices differ (0.43 and 0.465).
      const small = syntheticColumn(3, 150, 0.25);
      const smallScores = LabelScores.fromColumn(small.probabilities, small.targets);
      const rng = createRng(1);
      const once = sweep();
      const choices = Array.from({ length: 4 }, () => once.choose('frustration', smallScores.resample(rng)).threshold).sort((a, b) => a - b);
      expect(choices[1]).not.toBe(choices[2]);
      const expected = Math.round((((choices[1] as number) + (choices[2] as number)) / 2) * 1e9) / 1e9;
      expect(sweep({ baggedResamples: 4 }).choose('frustration', smallScores).threshold).toBe(expected);
    });

    it('gives the same threshold for the same seed, and keeps the labels it does not sweep at otherThreshold', () => {
      const bagged = { ...options, labels: ['frustration'], baggedResamples: resamples };
      expect(sweep(bagged).choose('frustration', scores)).toEqual(sweep(bagged).choose('frustration', scores));
      expect(sweep(bagged).choose('urgency', scores)).toEqual(sweep({ labels: ['frustration'] }).choose('urgency', scores));
    });

    it.each([
      [{ baggedResamples: -1 }, /options\.baggedResamples:/],
      [{ baggedResamples: 2.5 }, /options\.baggedResamples:/],
    ])('refuses %j', (bad, message) => {
      expect(() => sweep(bad)).toThrow(message);
    });
  });

  it('rejects invalid options naming the field', () => {
    expect(() => sweep({ from: 0.8, to: 0.2 })).toThrow(/from must be smaller than to/);
    expect(() => sweep({ refineStep: 0.1 })).toThrow(/refineStep must not exceed step/);
    let error: unknown;
    try {
      sweep({ betas: { frustraton: 2 } }, ['frustration', 'neutral']);
    } catch (e) {
      error = e;
    }
    expect(isMangaAssistError(error, 'PLUGIN_OPTIONS_INVALID')).toBe(true);
    expect((error as Error).message).toContain('options.betas names unknown label(s) "frustraton"; labels: frustration, neutral');
  });
});
