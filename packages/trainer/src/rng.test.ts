import { mixSeed, mulberry32, permutation } from './rng';

describe('seeded randomness', () => {
  it('gives the same stream for the same coordinates and different ones otherwise', () => {
    expect(mixSeed(42, 3, 17)).toBe(mixSeed(42, 3, 17));
    const seeds = new Set([mixSeed(42, 3, 17), mixSeed(42, 3, 18), mixSeed(42, 4, 17), mixSeed(43, 3, 17), mixSeed(17, 3, 42)]);
    expect(seeds.size).toBe(5);
    expect(mixSeed(2 ** 40)).not.toBe(mixSeed(0));
  });

  it('draws uniform floats in [0, 1)', () => {
    const random = mulberry32(7);
    const values = Array.from({ length: 10_000 }, random);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 1);
  });

  it('permutes every index once, reproducibly', () => {
    const order = permutation(100, 5);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(permutation(100, 5)).toEqual(order);
    expect(permutation(100, 6)).not.toEqual(order);
    expect(permutation(0, 1)).toEqual([]);
  });

  it('draws what it drew before it used the common generator', () => {
    // Values of the trainer's own mulberry32 and Fisher–Yates, which common's createRng replaced: resumed runs and
    // recorded results depend on them.
    expect(permutation(10, 5)).toEqual([5, 3, 7, 8, 2, 0, 4, 1, 9, 6]);
    expect(permutation(12, mixSeed(42, 1, 0x0d47a))).toEqual([9, 2, 6, 0, 8, 5, 7, 1, 10, 4, 3, 11]);
    const random = mulberry32(mixSeed(42, 3));
    expect([random(), random(), random()]).toEqual([0.7020065991673619, 0.4678669844288379, 0.5349181117489934]);
  });

  it('rejects non-integer inputs', () => {
    expect(() => mixSeed(1.5)).toThrow(RangeError);
    expect(() => permutation(-1, 1)).toThrow(RangeError);
  });
});
