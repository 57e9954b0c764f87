/**
 * A seeded pseudo-random source. Everything random that must be reproducible (data splits, the corpus generator,
 * the baseline's initial order, random test data) draws from one of these so that a seed reproduces a result exactly.
 *
 * @example
 * ```ts
 * const rng = createRng(7);
 * rng.next(); // a float in [0, 1), the same for every run with seed 7
 * ```
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** A uniformly chosen element; throws `RangeError` on an empty list. */
  pick<T>(items: readonly T[]): T;
  /** A new array with the elements in random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** An independent stream derived from this one, so one consumer's draws do not shift another's. */
  fork(): Rng;
}

/**
 * mulberry32: a 32-bit state generator, fast and good enough for sampling (not for cryptography). The seed is any
 * integer; non-integers are rejected so that `--seed 7.5` cannot silently mean seed 7.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * const order = rng.shuffle([1, 2, 3, 4]);
 * ```
 */
export function createRng(seed: number): Rng {
  // Bound once: a global lookup per draw is slow inside vm contexts (jest).
  const imul = Math.imul;
  const floor = Math.floor;
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    int(min, max) {
      return min + floor(next() * (max - min + 1));
    },
    chance(p) {
      return next() < p;
    },
    pick(items) {
      if (items.length === 0) throw new RangeError('pick: items must not be empty');
      return items[floor(next() * items.length)] as (typeof items)[number];
    },
    shuffle(items) {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = floor(next() * (i + 1));
        const tmp = out[i] as (typeof out)[number];
        out[i] = out[j] as (typeof out)[number];
        out[j] = tmp;
      }
      return out;
    },
    fork() {
      return createRng(floor(next() * 4294967296) | 0);
    },
  };
  return rng;
}
