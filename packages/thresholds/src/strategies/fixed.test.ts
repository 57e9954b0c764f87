import { LabelScores } from '../label-scores';
import { createThresholdStrategyRegistry } from '../strategy-registry';
import { naiveMetrics, syntheticColumn } from '../__tests__/reference-metrics';

describe('fixed', () => {
  const { probabilities, targets } = syntheticColumn(5, 300, 0.4);
  const scores = LabelScores.fromColumn(probabilities, targets);
  const registry = createThresholdStrategyRegistry();

  it('uses 0.5 by default and reports F1 there', () => {
    const choice = registry.create('fixed', {}, {}).choose('frustration', scores);
    const reference = naiveMetrics(probabilities, targets, 0.5);
    expect(choice).toMatchObject({ threshold: 0.5, metric: 'F1', beta: 1, precision: reference.precision, recall: reference.recall });
    expect(choice.score).toBeCloseTo(reference.fbeta, 12);
  });

  it('uses the given threshold and per-label overrides', () => {
    const strategy = registry.create('fixed', { threshold: 0.3, perLabel: { neutral: 0.7 } }, { labels: ['neutral', 'urgency'] });
    expect(strategy.choose('urgency', scores).threshold).toBe(0.3);
    expect(strategy.choose('neutral', scores).threshold).toBe(0.7);
  });

  it('rejects thresholds outside (0, 1) and unknown labels', () => {
    expect(() => registry.create('fixed', { threshold: 1 }, {})).toThrow(/threshold-strategy\[fixed\]|threshold strategy\[fixed\]\.options\.threshold/);
    expect(() => registry.create('fixed', { perLabel: { nope: 0.4 } }, { labels: ['neutral'] })).toThrow(/unknown label\(s\) "nope"/);
  });
});
