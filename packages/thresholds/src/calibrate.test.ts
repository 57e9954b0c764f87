import { calibrate, labelScoresOf, thresholdCurve, thresholdMapOf } from './calibrate';
import { createThresholdStrategyRegistry } from './strategy-registry';
import { naiveMetrics, syntheticColumn } from './__tests__/reference-metrics';

const labels = ['frustration', 'satisfaction', 'neutral'];

function dataset() {
  const columns = labels.map((_, j) => syntheticColumn(100 + j, 400, 0.2 + 0.1 * j));
  const probabilities = columns[0]!.probabilities.map((_, i) => Float32Array.from(columns.map((c) => c.probabilities[i]!)));
  const targets = columns[0]!.targets.map((_, i) => columns.map((c) => c.targets[i]!));
  return { columns, probabilities, targets };
}

describe('calibrate', () => {
  const { columns, probabilities, targets } = dataset();
  const strategies = createThresholdStrategyRegistry();

  it('returns one result per label with the strategy choice and F1 at 0.5 and at the threshold', () => {
    const results = calibrate({ labels, probabilities, targets, strategy: strategies.create('fbeta-sweep', {}, { labels }) });
    expect(results.map((r) => r.label)).toEqual(labels);
    results.forEach((result, j) => {
      // Float32Array rows: the reference uses the same float32-rounded values.
      const column = probabilities.map((row) => row[j]!);
      const truth = columns[j]!.targets;
      expect(result.f1At05).toBeCloseTo(naiveMetrics(column, truth, 0.5).fbeta, 12);
      expect(result.f1AtThreshold).toBeCloseTo(naiveMetrics(column, truth, result.threshold).fbeta, 12);
      expect(result.score).toBeCloseTo(naiveMetrics(column, truth, result.threshold, result.beta).fbeta, 12);
    });
    expect(results.map((r) => r.metric)).toEqual(['F2', 'F0.5', 'F1']);
    // For the neutral label the sweep maximises F1 itself, so it cannot do worse than the default 0.5 when 0.5
    // is on its grid.
    expect(results[2]!.f1AtThreshold).toBeGreaterThanOrEqual(results[2]!.f1At05);
    expect(thresholdMapOf(results)).toEqual(Object.fromEntries(results.map((r) => [r.label, r.threshold])));
  });

  it('accepts number[][] probabilities as well as Float32Array rows', () => {
    const strategy = strategies.create('fixed', {}, {});
    const asArrays = probabilities.map((row) => Array.from(row));
    expect(calibrate({ labels, probabilities: asArrays, targets, strategy })).toEqual(
      calibrate({ labels, probabilities, targets, strategy }),
    );
  });

  it('rejects mismatched shapes and bad values naming the row and label', () => {
    const strategy = strategies.create('fixed', {}, {});
    expect(() => calibrate({ labels, probabilities: probabilities.slice(1), targets, strategy })).toThrow(
      'probabilities has 399 rows but targets has 400',
    );
    expect(() => calibrate({ labels, probabilities: [[0.1, 0.2]], targets: [[0, 1, 0]], strategy })).toThrow(
      'probabilities[0] has 2 values but there are 3 labels',
    );
    expect(() => calibrate({ labels, probabilities: [[0.1, 0.2, 0.3]], targets: [[0, 1, 0.5]], strategy })).toThrow(
      'label "neutral" (column 2): targets[0] must be 0 or 1, got 0.5',
    );
    expect(() => calibrate({ labels: [], probabilities: [], targets: [], strategy })).toThrow('labels must not be empty');
  });
});

describe('thresholdCurve', () => {
  it('has 99 points from 0.01 to 0.99 matching direct counts', () => {
    const { probabilities, targets } = syntheticColumn(3, 200, 0.3);
    const [scores] = labelScoresOf({ labels: ['frustration'], probabilities: probabilities.map((p) => [p]), targets: targets.map((t) => [t]) });
    const curve = thresholdCurve(scores!, 2);
    expect(curve).toHaveLength(99);
    expect(curve[0]!.threshold).toBe(0.01);
    expect(curve[98]!.threshold).toBe(0.99);
    const at = curve[34]!;
    expect(at.threshold).toBe(0.35);
    const reference = naiveMetrics(probabilities, targets, 0.35, 2);
    const positiveRate = probabilities.filter((p) => p >= 0.35).length / probabilities.length;
    expect(at).toEqual({ threshold: 0.35, precision: reference.precision, recall: reference.recall, fbeta: expect.closeTo(reference.fbeta, 12), positiveRate });
  });
});
