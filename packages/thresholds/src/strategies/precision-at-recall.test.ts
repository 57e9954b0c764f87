import { isMangaAssistError } from '@mangaassist/common';
import { LabelScores } from '../label-scores';
import { createThresholdStrategyRegistry } from '../strategy-registry';
import { naiveMetrics, syntheticColumn } from '../__tests__/reference-metrics';

const strategy = (options: unknown = {}, labels?: readonly string[]) =>
  createThresholdStrategyRegistry().create('precision-at-recall', options, labels ? { labels } : {});

describe('precision-at-recall', () => {
  const { probabilities, targets } = syntheticColumn(23, 600, 0.3);
  const scores = LabelScores.fromColumn(probabilities, targets);

  it.each([0.5, 0.8, 0.9, 0.95, 1])('finds the highest threshold with recall >= %s (checked against every score)', (target) => {
    const choice = strategy({ minRecall: target }).choose('frustration', scores);
    expect(choice.recall).toBeGreaterThanOrEqual(target);
    expect(choice.note).toBeUndefined();
    // No candidate above it (every distinct probability is a candidate) still reaches the target.
    const higher = [...new Set(probabilities)].filter((p) => p > choice.threshold);
    for (const t of higher) expect(naiveMetrics(probabilities, targets, t).recall).toBeLessThan(target);
    const reference = naiveMetrics(probabilities, targets, choice.threshold);
    expect(choice).toMatchObject({ score: reference.precision, precision: reference.precision, recall: reference.recall });
    expect(choice.metric).toBe(`precision@recall>=${target}`);
  });

  it('does not ask for one positive too many when target × positives is a float like 9.000000000000002', () => {
    const ten = LabelScores.fromColumn([0.91, 0.82, 0.73, 0.64, 0.55, 0.46, 0.37, 0.28, 0.19, 0.1, 0.05], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    expect(strategy({ minRecall: 0.9 }).choose('frustration', ten)).toMatchObject({ threshold: 0.19, recall: 0.9 });
  });

  it('uses per-label targets', () => {
    const s = strategy({ minRecall: 0.5, perLabel: { frustration: 0.95 } });
    expect(s.choose('frustration', scores).recall).toBeGreaterThanOrEqual(0.95);
    expect(s.choose('neutral', scores).recall).toBeLessThan(0.95);
  });

  it('keeps thresholds within [min, max] and notes an unreachable target', () => {
    const low = LabelScores.fromColumn([0.001, 0.002, 0.9], [1, 1, 0]);
    const choice = strategy({ minRecall: 1, min: 0.01 }).choose('churn_risk', low);
    expect(choice.threshold).toBe(0.01);
    expect(choice.note).toMatch(/recall 1 is not reachable at or above the minimum threshold 0.01/);
    const high = LabelScores.fromColumn([0.999, 0.9995], [1, 1]);
    expect(strategy({ minRecall: 1 }).choose('churn_risk', high)).toMatchObject({ threshold: 0.99, recall: 1 });
  });

  it('notes a label without positive examples', () => {
    expect(strategy().choose('urgency', LabelScores.fromColumn([0.3], [0])).note).toMatch(/no positive example/);
  });

  describe('with labels', () => {
    const modelLabels = ['frustration', 'satisfaction', 'urgency'];

    it('gives the listed labels their target exactly as without the option', () => {
      const only = strategy({ minRecall: 0.95, labels: ['frustration'] }, modelLabels).choose('frustration', scores);
      expect(only).toEqual(strategy({ minRecall: 0.95 }).choose('frustration', scores));
    });

    it('holds every other label at otherThreshold (0.5 unless given), reported as F1 there with a note', () => {
      const targeted = strategy({ minRecall: 0.95 }).choose('urgency', scores);
      expect(targeted.threshold).not.toBe(0.5);
      const held = strategy({ minRecall: 0.95, labels: ['frustration'] }, modelLabels).choose('urgency', scores);
      const reference = naiveMetrics(probabilities, targets, 0.5, 1);
      expect(held).toMatchObject({ threshold: 0.5, metric: 'F1', beta: 1, support: targeted.support });
      expect(held.score).toBeCloseTo(reference.fbeta, 12);
      expect(held.recall).toBeCloseTo(reference.recall, 12);
      expect(held.note).toBe("fixed at 0.5: not in precision-at-recall's labels");
      expect(strategy({ labels: ['frustration'], otherThreshold: 0.7 }).choose('urgency', scores).threshold).toBe(0.7);
    });

    it('refuses a label the model does not have, and a recall target for a label it holds', () => {
      expect(() => strategy({ labels: ['frustraton'] }, modelLabels)).toThrow(/options\.labels names unknown label\(s\) "frustraton"; labels: frustration, satisfaction, urgency/);
      let error: unknown;
      try {
        strategy({ labels: ['frustration'], perLabel: { urgency: 0.9 } }, modelLabels);
      } catch (e) {
        error = e;
      }
      expect(isMangaAssistError(error, 'PLUGIN_OPTIONS_INVALID')).toBe(true);
      expect((error as Error).message).toBe(
        'threshold strategy "precision-at-recall": options.perLabel gives a recall target to "urgency", which options.labels holds at otherThreshold; labels: frustration',
      );
      expect(() => strategy({ labels: [] })).toThrow(/labels must name at least one label/);
    });
  });
});
