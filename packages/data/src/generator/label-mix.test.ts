import { DEFAULT_LABELS } from '@mangaassist/common';
import { MANGAASSIST_LABEL_SHARES, MULTI_LABEL_COMBINATIONS, combinationQuotas, combinationShares } from './label-mix';

describe('combinationShares', () => {
  const shares = combinationShares();

  it('covers every default label and sums to one message', () => {
    expect(Object.keys(MANGAASSIST_LABEL_SHARES).sort()).toEqual([...DEFAULT_LABELS].sort());
    expect(shares.reduce((sum, s) => sum + s.share, 0)).toBeCloseTo(1, 10);
    expect(shares.every((s) => s.share >= 0)).toBe(true);
  });

  it('gives each label exactly its share of assignments and 23% multi-label messages', () => {
    const assignments = shares.reduce((sum, s) => sum + s.share * s.labels.length, 0);
    for (const [label, target] of Object.entries(MANGAASSIST_LABEL_SHARES)) {
      const carried = shares.filter((s) => s.labels.includes(label)).reduce((sum, s) => sum + s.share, 0);
      expect(carried / assignments).toBeCloseTo(target, 10);
    }
    expect(shares.filter((s) => s.labels.length > 1).reduce((sum, s) => sum + s.share, 0)).toBeCloseTo(0.23, 10);
    expect(Object.values(MULTI_LABEL_COMBINATIONS).reduce((a, b) => a + b, 0)).toBeCloseTo(0.23, 10);
  });

  it('never pairs neutral with another label', () => {
    expect(shares.filter((s) => s.labels.includes('neutral'))).toEqual([{ labels: ['neutral'], share: expect.any(Number) }]);
  });

  it('refuses combinations that over-use a label', () => {
    expect(() => combinationShares(MANGAASSIST_LABEL_SHARES, { 'churn_risk+frustration': 0.2 })).toThrow(/"churn_risk" is over-used/);
  });
});

describe('combinationQuotas', () => {
  it('splits n messages exactly, each count within one of its share', () => {
    const shares = combinationShares();
    for (const n of [1, 7, 5000]) {
      const quotas = combinationQuotas(n, shares);
      expect(quotas.reduce((sum, q) => sum + q.count, 0)).toBe(n);
      quotas.forEach((q, i) => expect(Math.abs(q.count - shares[i]!.share * n)).toBeLessThan(1));
    }
  });
});
