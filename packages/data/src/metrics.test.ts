import { applyThresholds, decideLabelSets, labelMetrics, labelsPresent, multiLabelMetrics, selectColumns } from './metrics';

describe('labelMetrics', () => {
  it.each([
    // tp, fp, fn → precision, recall, f1, support
    [3, 1, 2, 0.75, 0.6, 2 / 3, 5],
    [0, 0, 0, 0, 0, 0, 0],
    [0, 4, 0, 0, 0, 0, 0],
    [0, 0, 3, 0, 0, 0, 3],
    [5, 0, 0, 1, 1, 1, 5],
    [1, 1, 1, 0.5, 0.5, 0.5, 2],
  ])('tp=%i fp=%i fn=%i', (tp, fp, fn, precision, recall, f1, support) => {
    const m = labelMetrics(tp, fp, fn);
    expect(m.precision).toBeCloseTo(precision, 12);
    expect(m.recall).toBeCloseTo(recall, 12);
    expect(m.f1).toBeCloseTo(f1, 12);
    expect(m.support).toBe(support);
    expect(m.predicted).toBe(tp + fp);
  });
});

describe('multiLabelMetrics', () => {
  // Values checked by hand and against scikit-learn (precision_recall_fscore_support with zero_division=0,
  // f1_score(average='macro'), accuracy_score on the indicator matrices, hamming_loss).
  const actual = [
    [1, 0, 1],
    [0, 1, 0],
    [1, 1, 0],
    [0, 0, 1],
  ];
  const predicted = [
    [1, 0, 0],
    [0, 1, 0],
    [1, 0, 0],
    [1, 0, 1],
  ];
  const m = multiLabelMetrics(predicted, actual, ['a', 'b', 'c']);

  it.each([
    ['a', 2 / 3, 1, 0.8, 2, 3],
    ['b', 1, 0.5, 2 / 3, 2, 1],
    ['c', 1, 0.5, 2 / 3, 2, 1],
  ])('per label %s', (label, precision, recall, f1, support, predictedCount) => {
    expect(m.perLabel[label]).toEqual({
      precision: expect.closeTo(precision, 12),
      recall: expect.closeTo(recall, 12),
      f1: expect.closeTo(f1, 12),
      support,
      predicted: predictedCount,
    });
  });

  it('averages, exact match and Hamming loss', () => {
    expect(m.n).toBe(4);
    expect(m.macroF1).toBeCloseTo((0.8 + 2 / 3 + 2 / 3) / 3, 12);
    // Pooled: tp 4, fp 1, fn 2 → P 0.8, R 2/3, F1 8/11.
    expect(m.microF1).toBeCloseTo(8 / 11, 12);
    expect(m.exactMatch).toBe(0.25);
    expect(m.hammingLoss).toBeCloseTo(3 / 12, 12);
    expect(m.labels).toEqual(['a', 'b', 'c']);
  });

  it('is perfect on a perfect prediction', () => {
    const perfect = multiLabelMetrics(actual, actual, ['a', 'b', 'c']);
    expect(perfect.macroF1).toBe(1);
    expect(perfect.exactMatch).toBe(1);
    expect(perfect.hammingLoss).toBe(0);
  });

  it('handles no examples', () => {
    expect(multiLabelMetrics([], [], ['a'])).toMatchObject({ n: 0, macroF1: 0, exactMatch: 0, hammingLoss: 0 });
  });

  it.each([
    [[[1, 0]], [[1, 0], [0, 1]], /rows/],
    [[[1, 0, 1]], [[1, 0]], /predicted\[0\] has 3 values/],
  ])('rejects mismatched shapes', (p, a, message) => {
    expect(() => multiLabelMetrics(p, a, ['x', 'y'])).toThrow(message);
  });
});

describe('helpers', () => {
  it('thresholds per column, inclusive', () => {
    expect(applyThresholds([[0.5, 0.2, 0.9]], [0.5, 0.3, 0.95]).map((r) => [...r])).toEqual([[1, 0, 0]]);
  });

  it('selects columns in the given order', () => {
    expect(selectColumns([[1, 2, 3], [4, 5, 6]], [2, 0]).map((r) => [...r])).toEqual([[3, 1], [6, 4]]);
  });

  it('finds the labels with a positive example', () => {
    expect(labelsPresent([[0, 0, 1], [1, 0, 0]], ['a', 'b', 'c'])).toEqual(['a', 'c']);
  });
});

describe('decideLabelSets', () => {
  it('applies the thresholds, then drops neutral beside another label and answers neutral when none is on', () => {
    const labels = ['frustration', 'urgency', 'neutral'];
    const decided = decideLabelSets([[0.7, 0.1, 0.6], [0.1, 0.2, 0.3], [0.1, 0.2, 0.9]], [0.5, 0.5, 0.5], labels);
    expect(decided.map((row) => [...row])).toEqual([[1, 0, 0], [0, 0, 1], [0, 0, 1]]);
  });
});
