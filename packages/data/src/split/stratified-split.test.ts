import { createRng } from '@mangaassist/common';
import { stratifiedSplit } from './stratified-split';

// A skewed multi-label set: a common label, a rare one (2%), co-occurrences and unlabelled rows.
function skewedExamples(n: number): { id: number; labels: string[] }[] {
  const rng = createRng(99);
  return Array.from({ length: n }, (_, id) => {
    const labels: string[] = [];
    if (rng.chance(0.4)) labels.push('frustration');
    if (rng.chance(0.15)) labels.push('urgency');
    if (rng.chance(0.02)) labels.push('churn_risk');
    if (labels.length === 0 && rng.chance(0.8)) labels.push('neutral');
    return { id, labels };
  });
}

const share = (rows: readonly { labels: string[] }[], label: string) => rows.filter((r) => r.labels.includes(label)).length / rows.length;

describe('stratifiedSplit (iterative stratification)', () => {
  const examples = skewedExamples(2000);

  it('puts every example on exactly one side, with the requested size', () => {
    const { train, val } = stratifiedSplit(examples, { valFraction: 0.2, seed: 5 });
    expect(train.length + val.length).toBe(2000);
    expect(Math.abs(val.length - 400)).toBeLessThanOrEqual(2);
    expect(new Set([...train, ...val].map((e) => e.id)).size).toBe(2000);
  });

  it('keeps each label, the rare one included, at the same share on both sides', () => {
    const { train, val } = stratifiedSplit(examples, { valFraction: 0.2, seed: 5 });
    for (const label of ['frustration', 'urgency', 'churn_risk', 'neutral']) {
      const whole = share(examples, label);
      expect(Math.abs(share(val, label) - whole)).toBeLessThan(0.005);
      expect(Math.abs(share(train, label) - whole)).toBeLessThan(0.005);
    }
    // A rare label gets its exact proportional count, not a random one.
    const rare = examples.filter((e) => e.labels.includes('churn_risk')).length;
    expect(Math.abs(val.filter((e) => e.labels.includes('churn_risk')).length - rare * 0.2)).toBeLessThanOrEqual(1);
  });

  it('is reproducible per seed and differs across seeds', () => {
    const ids = (seed: number) => stratifiedSplit(examples, { valFraction: 0.1, seed }).val.map((e) => e.id);
    expect(ids(1)).toEqual(ids(1));
    expect(ids(1)).not.toEqual(ids(2));
  });

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => stratifiedSplit(examples, { valFraction: 1, seed: 1 })).toThrow('valFraction must be in (0, 1), got 1');
  });
});
