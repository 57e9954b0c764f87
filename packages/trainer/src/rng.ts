import { createRng } from '@mangaassist/common';

/**
 * Seeded randomness that depends only on its coordinates, so a resumed run draws exactly what an uninterrupted run
 * would have drawn at the same (seed, epoch, step).
 */

/**
 * Mixes integers into one 32-bit seed (a splitmix/murmur-style finalizer over each part), so nearby coordinates
 * give unrelated streams.
 *
 * @example
 * ```ts
 * const dropoutSeed = mixSeed(42, 3, 17); // same value in every process
 * ```
 */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    if (!Number.isInteger(part)) throw new RangeError(`mixSeed parts must be integers, got ${part}`);
    // Fold in the low and high 32 bits so large integers (up to 2^53) stay distinct.
    const low = part >>> 0;
    const high = Math.floor(part / 0x1_0000_0000) >>> 0;
    h = fmix32(h ^ fmix32(low + 0x7f4a7c15));
    h = fmix32(h ^ fmix32(high + 0x2545f491));
  }
  return h >>> 0;
}

function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A uniform stream in [0, 1) from `seed`: the project's one mulberry32, `createRng(seed).next` of
 * `@mangaassist/common`.
 *
 * @throws RangeError when `seed` is not an integer
 *
 * @example
 * ```ts
 * const random = mulberry32(mixSeed(42, 1));
 * random(); // 0 <= x < 1
 * ```
 */
export function mulberry32(seed: number): () => number {
  return createRng(seed).next;
}

/**
 * A seeded permutation of `0..n-1` (Fisher–Yates over {@link mulberry32}'s stream).
 *
 * @example
 * ```ts
 * permutation(5, mixSeed(42, 1)); // e.g. [3, 0, 4, 1, 2], the same for the same seed
 * ```
 */
export function permutation(n: number, seed: number): number[] {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  return createRng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
}
