import { focalAlphaFromDataset, focalAlphaFromFrequencies, labelFrequencies } from './focal-alpha';

const seedFrequencies = {
  neutral: 0.45,
  frustration: 0.18,
  satisfaction: 0.15,
  urgency: 0.12,
  confusion: 0.07,
  churn_risk: 0.03,
};

describe('focal α from label frequencies', () => {
  it("gives the design document's α with reference 18%: 0.40, 1.0, 1.20, 1.50, 2.57, 6.00", () => {
    const alpha = focalAlphaFromFrequencies(seedFrequencies, { reference: 0.18 });
    const shown = Object.fromEntries(Object.entries(alpha).map(([label, a]) => [label, a.toFixed(2)]));
    expect(shown).toEqual({
      neutral: '0.40',
      frustration: '1.00',
      satisfaction: '1.20',
      urgency: '1.50',
      confusion: '2.57',
      churn_risk: '6.00',
    });
  });

  it('uses the median frequency as reference by default (mean of the two middle ones for an even count)', () => {
    const alpha = focalAlphaFromFrequencies(seedFrequencies);
    // Sorted: 0.03, 0.07, 0.12, 0.15, 0.18, 0.45 → median (0.12 + 0.15)/2 = 0.135.
    expect(alpha.frustration).toBeCloseTo(0.135 / 0.18, 12);
    expect(alpha.churn_risk).toBeCloseTo(4.5, 12);
    expect(focalAlphaFromFrequencies({ a: 0.1, b: 0.2, c: 0.4 }, { reference: 'median' })).toEqual({ a: 2, b: 1, c: 0.5 });
  });

  it('computes frequencies from multi-hot rows (target ≥ 0.5 is positive) and α from a dataset', () => {
    const rows = [
      [1, 0, 0],
      [1, 1, 0],
      [0, 0, 1],
      [1, 0, 0.4],
    ];
    expect(labelFrequencies(rows, ['a', 'b', 'c'])).toEqual({ a: 0.75, b: 0.25, c: 0.25 });
    expect(focalAlphaFromDataset(rows, ['a', 'b', 'c'], { reference: 0.25 })).toEqual({ a: 1 / 3, b: 1, c: 1 });
  });

  it('rejects a label without positives, a bad reference and malformed rows, naming them', () => {
    expect(() => focalAlphaFromFrequencies({ a: 0.2, churn_risk: 0 })).toThrow(
      'frequencies.churn_risk must be in (0, 1], got 0: the label has no positive example',
    );
    expect(() => focalAlphaFromFrequencies({ a: 0.2 }, { reference: 1.5 })).toThrow(
      'options.reference must be "median" or a frequency in (0, 1], got 1.5',
    );
    expect(() => labelFrequencies([[1, 0], [1]], ['a', 'b'])).toThrow('rows[1] has 1 values but there are 2 labels');
    expect(() => labelFrequencies([], ['a'])).toThrow(RangeError);
  });
});
