import { labelSetMetrics } from './metrics';

describe('labelSetMetrics', () => {
  it('computes per-label P/R/F1, macro over labels with support, and micro', () => {
    const truth = [['frustration'], ['frustration', 'urgency'], ['neutral'], ['neutral']];
    const predicted = [['frustration'], ['urgency'], ['frustration'], ['neutral']];
    const report = labelSetMetrics(truth, predicted, ['frustration', 'urgency', 'neutral', 'churn_risk']);
    const by = Object.fromEntries(report.perLabel.map((m) => [m.label, m]));
    // frustration: tp 1, fp 1, fn 1 → P 0.5, R 0.5, F1 0.5
    expect(by.frustration).toMatchObject({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2, predicted: 2 });
    expect(by.urgency).toMatchObject({ precision: 1, recall: 1, f1: 1, support: 1 });
    // neutral: tp 1, fn 1 → P 1, R 0.5, F1 2/3
    expect(by.neutral!.f1).toBeCloseTo(2 / 3, 10);
    // churn_risk has no support: reported, not averaged.
    expect(by.churn_risk).toMatchObject({ f1: 0, support: 0 });
    expect(report.macroLabels).toEqual(['frustration', 'urgency', 'neutral']);
    expect(report.macroF1).toBeCloseTo((0.5 + 1 + 2 / 3) / 3, 10);
    // micro: tp 3, fp 1, fn 2 → P 0.75, R 0.6
    expect(report.microF1).toBeCloseTo((2 * 0.75 * 0.6) / 1.35, 10);
  });

  it('scores nothing, without failing, when no label is evaluated', () => {
    expect(labelSetMetrics([['neutral']], [['neutral']], [])).toEqual({ perLabel: [], macroF1: 0, microF1: 0, macroLabels: [] });
    expect(() => labelSetMetrics([['neutral']], [], ['neutral'])).toThrow(/same length/);
  });
});
