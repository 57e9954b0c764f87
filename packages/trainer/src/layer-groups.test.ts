import * as tf from '@tensorflow/tfjs-core';
import { layerGroupNames } from '@mangaassist/core-model';
import { useCpuBackend } from './__tests__/fixtures';
import { discriminativeRates, orderedGroups, spreadRates, topGroups } from './layer-groups';

beforeAll(useCpuBackend);

/** Rates by group name for a DistilBERT classifier of `layers` layers. */
const byName = (rates: number[], layers: number) => Object.fromEntries(layerGroupNames(layers).map((name, i) => [name, rates[i]!]));

describe('discriminativeRates', () => {
  // The design's figures for DistilBERT-base: head = base, each deeper group divided by 2.6.
  it.each([
    ['head', 3e-5],
    ['layer_4_5', 1.15e-5],
    ['layer_2_3', 4.44e-6],
    ['layer_0_1', 1.71e-6],
    ['embeddings', 6.57e-7],
  ] as const)('%s trains at %s with base 3e-5 and decay 2.6', (group, expected) => {
    expect(Math.abs(byName(discriminativeRates(3e-5, 2.6, 5), 6)[group]! - expected) / expected).toBeLessThan(5e-3); // the figures are rounded to three digits
  });

  it('divides exactly by decay per depth', () => {
    const rates = discriminativeRates(1e-3, 2, 5);
    [...rates].reverse().forEach((rate, depth) => expect(rate).toBe(1e-3 / 2 ** depth));
  });

  it('gives every group the base rate with decay 1', () => {
    expect(new Set(discriminativeRates(2e-5, 1, 5))).toEqual(new Set([2e-5]));
  });

  // By position from the head, whatever the depth: a 2-layer model has four groups, so its embeddings are three steps down.
  it.each([
    [2, { embeddings: 3e-5 / 2.6 ** 3, layer_0: 3e-5 / 2.6 ** 2, layer_1: 3e-5 / 2.6, head: 3e-5 }],
    [4, { embeddings: 3e-5 / 2.6 ** 4, layer_0: 3e-5 / 2.6 ** 3, layer_1_2: 3e-5 / 2.6 ** 2, layer_3: 3e-5 / 2.6, head: 3e-5 }],
    [12, { embeddings: 3e-5 / 2.6 ** 4, layer_0_3: 3e-5 / 2.6 ** 3, layer_4_7: 3e-5 / 2.6 ** 2, layer_8_11: 3e-5 / 2.6, head: 3e-5 }],
  ])('on %i layers gives %j', (layers, expected) => {
    expect(byName(discriminativeRates(3e-5, 2.6, layerGroupNames(layers).length), layers)).toEqual(expected);
  });

  it.each([
    [0, 2.6, 5],
    [-1, 2.6, 5],
    [3e-5, 0.5, 5],
    [Number.NaN, 2.6, 5],
    [3e-5, 2.6, 0],
    [3e-5, 2.6, 1.5],
  ])('rejects baseLr %s, decay %s, groupCount %s', (base, decay, count) => {
    expect(() => discriminativeRates(base, decay, count)).toThrow(RangeError);
  });
});

describe('spreadRates', () => {
  it('spreads (low, high) geometrically: the decay form with decay (high/low)^(1/(groups-1))', () => {
    const spread = spreadRates(3e-5 / 2.6 ** 4, 3e-5, 5);
    const decayed = discriminativeRates(3e-5, 2.6, 5);
    spread.forEach((rate, i) => expect(Math.abs(rate - decayed[i]!) / decayed[i]!).toBeLessThan(1e-12));
    expect(spread[0]).toBe(3e-5 / 2.6 ** 4);
    expect(spread[4]).toBe(3e-5);
  });

  it('keeps both ends whatever the number of groups', () => {
    expect([spreadRates(1e-6, 1e-4, 3)[0], spreadRates(1e-6, 1e-4, 3)[2]]).toEqual([1e-6, 1e-4]);
    expect(Math.abs(spreadRates(1e-6, 1e-4, 3)[1]! - 1e-5) / 1e-5).toBeLessThan(1e-12);
    expect(spreadRates(1e-6, 1e-4, 2)).toEqual([1e-6, 1e-4]);
    expect(spreadRates(1e-6, 1e-4, 1)).toEqual([1e-4]);
    expect(spreadRates(2e-5, 2e-5, 4)).toEqual([2e-5, 2e-5, 2e-5, 2e-5]);
  });

  it.each([
    [0, 1e-4, 3],
    [1e-4, 1e-6, 3],
    [1e-6, Number.POSITIVE_INFINITY, 3],
    [1e-6, 1e-4, 0],
  ])('rejects low %s, high %s, groupCount %s', (low, high, count) => {
    expect(() => spreadRates(low, high, count)).toThrow(RangeError);
  });
});

describe('topGroups', () => {
  it.each([
    [1, 5, [4]],
    [2, 5, [3, 4]],
    [3, 4, [1, 2, 3]],
    [5, 5, [0, 1, 2, 3, 4]],
    [9, 3, [0, 1, 2]],
  ])('top %i of %i groups: %j', (n, count, expected) => {
    expect(topGroups(n, count)).toEqual(expected);
  });

  it('rejects a count that is not a positive integer', () => {
    expect(() => topGroups(0, 5)).toThrow(new RangeError('n must be a positive integer, got 0'));
    expect(() => topGroups(1, 0)).toThrow(new RangeError('groupCount must be a positive integer, got 0'));
  });
});

describe('orderedGroups', () => {
  it("keeps the model's order and names, and needs at least one group", () => {
    const v = tf.variable(tf.zeros([1]));
    expect(orderedGroups({ embeddings: [], layer_0: [v], head: [] }).map((g) => [g.name, g.variables.length])).toEqual([
      ['embeddings', 0],
      ['layer_0', 1],
      ['head', 0],
    ]);
    expect(() => orderedGroups({})).toThrow(/lists no layer group/);
    expect(() => orderedGroups({ embeddings: [], 0: [v], head: [] })).toThrow('layer group name "0" is an integer');
    v.dispose();
  });
});
