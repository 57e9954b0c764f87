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

describe('trainLogisticOvr with solver lbfgs', () => {
  // Random sparse rows whose labels depend on a few features, plus noise.
  function problem(seed: number) {
    const rng = createRng(seed);
    const rows: SparseRow[] = [];
    const targets: Float32Array[] = [];
    for (let i = 0; i < 300; i++) {
      const features = [...new Set(Array.from({ length: 4 }, () => rng.int(0, 29)))].sort((a, b) => a - b);
      rows.push(row(features.map((f) => [f, 0.2 + rng.next()])));
      const score = (features.includes(1) ? 2 : 0) + (features.includes(2) ? -2 : 0) + rng.next() - 0.7;
      targets.push(Float32Array.of(score > 0 ? 1 : 0, features.includes(5) || rng.chance(0.1) ? 1 : 0));
    }
    return { rows, targets };
  }

  it('reaches the optimum: the gradient of the weighted, penalised log loss vanishes for every label', () => {
    const { rows, targets } = problem(8);
    const l2 = 1e-3;
    const model = trainLogisticOvr(rows, targets, 30, { solver: 'lbfgs', l2 });
    const n = rows.length;
    const probabilities = model.predictProba(rows);
    for (let l = 0; l < 2; l++) {
      const positives = targets.filter((t) => t[l] === 1).length;
      const weight = (y: number) => (y === 1 ? n / (2 * positives) : n / (2 * (n - positives)));
      const gradient = new Float64Array(30);
      let biasGradient = 0;
      rows.forEach((r, i) => {
        const y = targets[i]![l]!;
        const residual = (weight(y) * (probabilities[i]![l]! - y)) / n;
        biasGradient += residual;
        r.indices.forEach((f, k) => (gradient[f] += residual * r.values[k]!));
      });
      for (let f = 0; f < 30; f++) expect(Math.abs(gradient[f]! + l2 * model.weights[f * 2 + l]!)).toBeLessThan(1e-5);
      expect(Math.abs(biasGradient)).toBeLessThan(1e-5);
    }
  });

  it('ends where SGD heads: many passes of SGD come close to it, few do not', () => {
    const { rows, targets } = problem(9);
    const exact = trainLogisticOvr(rows, targets, 30, { solver: 'lbfgs', l2: 1e-2 }).predictProba(rows);
    const gap = (epochs: number) => {
      const sgd = trainLogisticOvr(rows, targets, 30, { l2: 1e-2, epochs, learningRate: 0.1 }).predictProba(rows);
      return Math.max(...sgd.flatMap((p, i) => Array.from(p, (value, l) => Math.abs(value - exact[i]![l]!))));
    };
    expect(gap(400)).toBeLessThan(0.02);
    expect(gap(1)).toBeGreaterThan(gap(400));
  });

  it('gives features no row has a weight of exactly 0', () => {
    const { rows, targets } = problem(10);
    const model = trainLogisticOvr(rows, targets, 40, { solver: 'lbfgs', l2: 1e-3 });
    for (let f = 30; f < 40; f++) expect([model.weights[f * 2], model.weights[f * 2 + 1]]).toEqual([0, 0]);
    expect(() => trainLogisticOvr([row([[45, 1]])], [Float32Array.of(1)], 40, { solver: 'lbfgs' })).toThrow(/feature 45, outside the 40 features/);
  });
});
