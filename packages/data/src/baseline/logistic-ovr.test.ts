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
