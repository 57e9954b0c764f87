import { createRng } from '@mangaassist/common';
import { trainLogisticOvr } from './logistic-ovr';
import type { SparseRow } from './tfidf';

const row = (pairs: Array<[number, number]>): SparseRow => ({ indices: Int32Array.from(pairs.map((p) => p[0])), values: Float32Array.from(pairs.map((p) => p[1])) });

describe('trainLogisticOvr', () => {
  it('learns two independent labels from their own features', () => {
    const rng = createRng(4);
    const rows: SparseRow[] = [];
    const targets: Float32Array[] = [];
    for (let i = 0; i < 400; i++) {
      const a = rng.chance(0.5);
      const b = rng.chance(0.2);
      rows.push(row([[0, a ? 1 : 0], [1, b ? 1 : 0], [2 + rng.int(0, 5), 0.5]]));
      targets.push(Float32Array.of(a ? 1 : 0, b ? 1 : 0));
    }
    const model = trainLogisticOvr(rows, targets, 8, { l2: 1e-4, epochs: 10 });
    const [onA, onB, neither] = model.predictProba([row([[0, 1]]), row([[1, 1]]), row([[3, 0.5]])]);
    expect(onA![0]).toBeGreaterThan(0.9);
    expect(onA![1]).toBeLessThan(0.5);
    expect(onB![1]).toBeGreaterThan(0.9);
    expect(neither![0]).toBeLessThan(0.5);
    expect(neither![1]).toBeLessThan(0.5);
  });

  it('exposes the weights ([feature, label] row-major) and biases its probabilities come from', () => {
    const rows = [row([[0, 1]]), row([[1, 1], [2, 0.5]]), row([[2, 1]]), row([[0, 0.5], [1, 0.5]])];
    const targets = [Float32Array.of(1, 0), Float32Array.of(0, 1), Float32Array.of(0, 0), Float32Array.of(1, 1)];
    const model = trainLogisticOvr(rows, targets, 3, { epochs: 5 });
    expect(model.weights).toHaveLength(3 * 2);
    expect(model.bias).toHaveLength(2);
    const probe = row([[0, 0.3], [2, 0.7]]);
    const [predicted] = model.predictProba([probe]);
    for (let l = 0; l < 2; l++) {
      const z = model.bias[l]! + model.weights[0 * 2 + l]! * 0.3 + model.weights[2 * 2 + l]! * 0.7;
      expect(predicted![l]).toBeCloseTo(1 / (1 + Math.exp(-z)), 6);
    }
  });

  it('shrinks weights harder with a larger L2 penalty (the scaled update applies the decay)', () => {
    const rows = [row([[0, 1]]), row([[1, 1]])];
    const targets = [Float32Array.of(1), Float32Array.of(0)];
    const margin = (l2: number) => {
      const [p] = trainLogisticOvr(rows, targets, 2, { l2, epochs: 50, classWeight: 'none' }).predictProba([row([[0, 1]])]);
      return p![0]!;
    };
    expect(margin(1e-5)).toBeGreaterThan(margin(1e-1));
    expect(margin(1e-1)).toBeGreaterThan(0.5);
  });

  it('checks its inputs', () => {
    expect(() => trainLogisticOvr([], [], 1)).toThrow('rows must not be empty');
    expect(() => trainLogisticOvr([row([[0, 1]])], [], 1)).toThrow(/same length/);
  });
});
