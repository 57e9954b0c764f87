import { createRng } from '@mangaassist/common';

/**
 * Options of {@link stratifiedSplit}.
 *
 * @example
 * ```ts
 * const options: SplitOptions = { valFraction: 0.1, seed: 42 };
 * ```
 */
export interface SplitOptions {
  /** Share of examples held out for validation, in (0, 1). */
  readonly valFraction: number;
  /** Seed for the order in which ties are broken; the same seed gives the same split. */
  readonly seed: number;
}

/**
 * The two sides of a split; every input example is in exactly one of them, in input order.
 *
 * @example
 * ```ts
 * const { train, val }: TrainValSplit<Example> = stratifiedSplit(examples, { valFraction: 0.1, seed: 1 });
 * ```
 */
export interface TrainValSplit<T> {
  readonly train: T[];
  readonly val: T[];
}

/**
 * Multi-label stratified train/validation split by iterative stratification (Sechidis, Tsoumakas & Vlahavas,
 * "On the Stratification of Multi-Label Data", ECML PKDD 2011): labels are handled rarest first, and each example
 * carrying the current label goes to the side that still wants the most examples of that label, so that every
 * label, rare ones included, keeps close to the same share on both sides. Examples without labels fill the sides'
 * remaining sizes.
 *
 * @example
 * ```ts
 * const { train, val } = stratifiedSplit(dataset.examples, { valFraction: 0.1, seed: 42 });
 * ```
 */
export function stratifiedSplit<T extends { readonly labels: readonly string[] }>(examples: readonly T[], options: SplitOptions): TrainValSplit<T> {
  const { valFraction, seed } = options;
  if (!(valFraction > 0 && valFraction < 1)) throw new RangeError(`valFraction must be in (0, 1), got ${valFraction}`);
  const rng = createRng(seed);
  const ratios = [1 - valFraction, valFraction];
  const order = rng.shuffle(examples.map((_, index) => index));

  const byLabel = new Map<string, number[]>();
  for (const index of order) {
    for (const label of new Set((examples[index] as T).labels)) {
      const list = byLabel.get(label) ?? [];
      list.push(index);
      byLabel.set(label, list);
    }
  }
  // Desired counts: per side overall, and per side for each label.
  const wantTotal = ratios.map((ratio) => ratio * examples.length);
  const wantLabel = new Map([...byLabel].map(([label, list]) => [label, ratios.map((ratio) => ratio * list.length)]));
  const remaining = new Map([...byLabel].map(([label, list]) => [label, list.length]));
  const side = new Int8Array(examples.length).fill(-1);

  const assign = (index: number, to: number): void => {
    side[index] = to;
    (wantTotal[to] as number) -= 1;
    for (const label of new Set((examples[index] as T).labels)) {
      (wantLabel.get(label) as number[])[to] -= 1;
      remaining.set(label, (remaining.get(label) as number) - 1);
    }
  };
  const bestSide = (wants: readonly number[]): number => {
    const [a, b] = wants as [number, number];
    if (a !== b) return a > b ? 0 : 1;
    const [ta, tb] = wantTotal as [number, number];
    if (ta !== tb) return ta > tb ? 0 : 1;
    return rng.chance(0.5) ? 0 : 1;
  };

  for (;;) {
    let rarest: string | undefined;
    let fewest = Infinity;
    // Ties between equally rare labels go to the label seen first in the shuffled order: seeded, hence reproducible.
    for (const [label, count] of remaining) {
      if (count > 0 && count < fewest) {
        fewest = count;
        rarest = label;
      }
    }
    if (rarest === undefined) break;
    const wants = wantLabel.get(rarest) as number[];
    for (const index of byLabel.get(rarest) as number[]) {
      if (side[index] === -1) assign(index, bestSide(wants));
    }
  }
  for (const index of order) {
    if (side[index] === -1) assign(index, bestSide(wantTotal));
  }
  const train: T[] = [];
  const val: T[] = [];
  examples.forEach((example, index) => (side[index] === 0 ? train : val).push(example));
  return { train, val };
}
