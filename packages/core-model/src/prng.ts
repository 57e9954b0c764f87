import { createRng } from '@mangaassist/common';

/**
 * The project's seeded generator (`createRng`, mulberry32) with the draws model initialisation needs: Gaussian
 * samples and 31-bit op seeds, so that initial weights and dropout masks depend only on the seed, not on the
 * backend or on how many random numbers other code drew before.
 *
 * @example
 * ```ts
 * const rng = new SeededRandom(42);
 * rng.next(); // uniform in [0, 1)
 * rng.normal(0, 0.02);
 * ```
 */
export class SeededRandom {
  /** Uniform in [0, 1). */
  readonly next: () => number;
  private spare: number | undefined;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    this.next = createRng(Math.trunc(seed) >>> 0).next;
  }

  /** A 31-bit integer, e.g. to seed a TensorFlow.js op. */
  nextInt(): number {
    return Math.floor(this.next() * 0x7fffffff);
  }

  /** Gaussian sample (Box–Muller; the second value of each pair is kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return mean + std * value;
    }
    const u = 1 - this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spare = radius * Math.sin(2 * Math.PI * v);
    return mean + std * radius * Math.cos(2 * Math.PI * v);
  }

  /** A Float32Array of `count` Gaussian samples. */
  normalArray(count: number, std: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.normal(0, std);
    return out;
  }
}
