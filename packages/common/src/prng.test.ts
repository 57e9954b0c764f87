import { createRng } from './prng';

describe('createRng (mulberry32)', () => {
  it('matches the reference mulberry32 sequence for seed 1', () => {
    // The widely copied reference mulberry32 (`a += 0x6D2B79F5; t = Math.imul(t ^ t >>> 15, t | 1); …`) gives these for seed 1.
    const rng = createRng(1);
    expect([rng.next(), rng.next(), rng.next()].map((x) => Math.round(x * 4294967296))).toEqual([2693262067, 11749833, 2265367787]);
  });

  it('repeats per seed and differs across seeds', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, createRng(seed).next);
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('draws integers in range, shuffles without loss and rejects bad input', () => {
    const rng = createRng(3);
    const ints = Array.from({ length: 2000 }, () => rng.int(2, 5));
    expect(new Set(ints)).toEqual(new Set([2, 3, 4, 5]));
    expect(rng.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(() => rng.pick([])).toThrow(RangeError);
    expect(() => createRng(1.5)).toThrow(/seed must be an integer, got 1\.5/);
  });
});
