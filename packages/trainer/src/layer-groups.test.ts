import { DEPTH_ORDER, discriminativeRates, isLayerGroup, LAYER_GROUPS } from './layer-groups';

describe('discriminativeRates', () => {
  // The figures of the issue: head = base, each deeper group divided by 2.6.
  it.each([
    ['head', 3e-5],
    ['layer_4_5', 1.15e-5],
    ['layer_2_3', 4.44e-6],
    ['layer_0_1', 1.71e-6],
    ['embeddings', 6.57e-7],
  ] as const)('%s trains at %s with base 3e-5 and decay 2.6', (group, expected) => {
    expect(Math.abs(discriminativeRates(3e-5, 2.6)[group] - expected) / expected).toBeLessThan(5e-3); // the figures are rounded to three digits;
  });

  it('divides exactly by decay per depth', () => {
    const rates = discriminativeRates(1e-3, 2);
    DEPTH_ORDER.forEach((group, depth) => expect(rates[group]).toBe(1e-3 / 2 ** depth));
  });

  it('gives every group the base rate with decay 1', () => {
    expect(new Set(Object.values(discriminativeRates(2e-5, 1)))).toEqual(new Set([2e-5]));
  });

  it.each([
    [0, 2.6],
    [-1, 2.6],
    [3e-5, 0.5],
    [Number.NaN, 2.6],
  ])('rejects baseLr %s, decay %s', (base, decay) => {
    expect(() => discriminativeRates(base, decay)).toThrow(RangeError);
  });
});

describe('layer groups', () => {
  it('orders the same five groups by depth', () => {
    expect([...DEPTH_ORDER].sort()).toEqual([...LAYER_GROUPS].sort());
    expect(DEPTH_ORDER[0]).toBe('head');
    expect(DEPTH_ORDER[4]).toBe('embeddings');
  });

  it('recognises group names', () => {
    expect(isLayerGroup('layer_2_3')).toBe(true);
    expect(isLayerGroup('layer_3')).toBe(false);
    expect(isLayerGroup(3)).toBe(false);
  });
});
