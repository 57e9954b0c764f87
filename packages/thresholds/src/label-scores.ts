import { createRng, type Rng } from '@mangaassist/common';

/** Confusion counts of one label at one threshold (predicted positive when `probability >= threshold`). */
export interface BinaryCounts {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
}

/** Precision, recall and F-β of one label at one threshold. */
export interface BinaryMetrics extends BinaryCounts {
  readonly threshold: number;
  /** `tp / (tp + fp)`; 0 when nothing is predicted positive. */
  readonly precision: number;
  /** `tp / (tp + fn)`; 0 when the label has no positive example. */
  readonly recall: number;
  /** F-β for the β asked for; 0 when precision and recall are both 0. */
  readonly fbeta: number;
}

/**
 * F-β from precision and recall: `(1 + β²)·P·R / (β²·P + R)`, 0 when both are 0. β > 1 weighs recall more.
 *
 * @example
 * ```ts
 * fbetaScore(0.5, 1, 2); // 0.8333…
 * ```
 */
export function fbetaScore(precision: number, recall: number, beta: number): number {
  if (!(beta > 0) || !Number.isFinite(beta)) throw new RangeError(`beta must be a positive finite number, got ${beta}`);
  const b2 = beta * beta;
  const denominator = b2 * precision + recall;
  return denominator === 0 ? 0 : ((1 + b2) * precision * recall) / denominator;
}

/**
 * The probabilities of one label split by target and sorted, so that the confusion counts at any threshold cost two
 * binary searches: a sweep over T thresholds is O(n log n + T log n) instead of O(n·T).
 *
 * @example
 * ```ts
 * const scores = LabelScores.fromColumn([0.9, 0.2, 0.7], [1, 0, 0]);
 * scores.metricsAt(0.5).precision; // 0.5
 * ```
 */
export class LabelScores {
  private constructor(
    /** Probabilities of the positive examples, ascending. */
    readonly positives: Float64Array,
    /** Probabilities of the negative examples, ascending. */
    readonly negatives: Float64Array,
  ) {}

  /** Builds from one column of probabilities and its 0/1 targets (same length). */
  static fromColumn(probabilities: ArrayLike<number>, targets: ArrayLike<number>): LabelScores {
    if (probabilities.length !== targets.length) {
      throw new RangeError(
        `probabilities and targets must have the same length, got ${probabilities.length} and ${targets.length}`,
      );
    }
    const positives: number[] = [];
    const negatives: number[] = [];
    for (let i = 0; i < probabilities.length; i += 1) {
      const p = probabilities[i] as number;
      const t = targets[i];
      if (!(p >= 0 && p <= 1)) throw new RangeError(`probabilities[${i}] must be in [0, 1], got ${p}`);
      if (t === 1) positives.push(p);
      else if (t === 0) negatives.push(p);
      else throw new RangeError(`targets[${i}] must be 0 or 1, got ${t}`);
    }
    return new LabelScores(Float64Array.from(positives).sort(), Float64Array.from(negatives).sort());
  }

  /** Number of positive examples (the label's support). */
  get support(): number {
    return this.positives.length;
  }

  /** Number of examples. */
  get size(): number {
    return this.positives.length + this.negatives.length;
  }

  /** Confusion counts at `threshold` (an example is predicted positive when its probability is `>= threshold`). */
  countsAt(threshold: number): BinaryCounts {
    const tp = this.positives.length - lowerBound(this.positives, threshold);
    const fp = this.negatives.length - lowerBound(this.negatives, threshold);
    return { tp, fp, fn: this.positives.length - tp, tn: this.negatives.length - fp };
  }

  /** Precision, recall and F-β at `threshold`. */
  metricsAt(threshold: number, beta = 1): BinaryMetrics {
    const counts = this.countsAt(threshold);
    const { precision, recall } = precisionAndRecall(counts.tp, counts.fp, counts.fn);
    return { ...counts, threshold, precision, recall, fbeta: fbetaScore(precision, recall, beta) };
  }

  /**
   * A bootstrap resample: as many examples as there are, drawn with replacement with `rng` (positives and negatives
   * in one pool, so the support varies as it would on another sample).
   *
   * @example
   * ```ts
   * const again = scores.resample(createRng(1)); // same size, other support
   * ```
   */
  resample(rng: Rng): LabelScores {
    const positives: number[] = [];
    const negatives: number[] = [];
    const positiveCount = this.positives.length;
    for (let i = 0; i < this.size; i += 1) {
      const index = rng.int(0, this.size - 1);
      if (index < positiveCount) positives.push(this.positives[index] as number);
      else negatives.push(this.negatives[index - positiveCount] as number);
    }
    return new LabelScores(Float64Array.from(positives).sort(), Float64Array.from(negatives).sort());
  }
}

/**
 * Standard deviation of F-β at `threshold` over bootstrap resamples of the examples (drawn with replacement, as many
 * as there are): how far the F-β measured on this data could move on another sample of the same size. Seeded, so the
 * same scores always give the same value.
 *
 * @example
 * ```ts
 * bootstrapFbetaStandardError(scores, 0.3, 2, { resamples: 200, seed: 0 }); // 0.011
 * ```
 */
export function bootstrapFbetaStandardError(
  scores: LabelScores,
  threshold: number,
  beta: number,
  options: { readonly resamples: number; readonly seed: number },
): number {
  if (!Number.isInteger(options.resamples) || options.resamples < 2) {
    throw new RangeError(`resamples must be an integer of at least 2, got ${options.resamples}`);
  }
  const { tp, fp } = scores.countsAt(threshold);
  const positives = scores.support;
  const negatives = scores.size - positives;
  const rng = createRng(options.seed);
  const values: number[] = [];
  for (let r = 0; r < options.resamples; r += 1) {
    let drawnTp = 0;
    let drawnFp = 0;
    let drawnPositives = 0;
    // Only whether an example is positive and at or above the threshold matters, so a draw is one index: positives
    // first, then negatives, each ascending, so the examples at or above the threshold are the last tp (fp) of each.
    for (let i = 0; i < scores.size; i += 1) {
      const index = rng.int(0, scores.size - 1);
      if (index < positives) {
        drawnPositives += 1;
        if (index >= positives - tp) drawnTp += 1;
      } else if (index - positives >= negatives - fp) {
        drawnFp += 1;
      }
    }
    const { precision, recall } = precisionAndRecall(drawnTp, drawnFp, drawnPositives - drawnTp);
    values.push(fbetaScore(precision, recall, beta));
  }
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1));
}

/** Precision and recall from confusion counts, 0 where the denominator is 0. */
function precisionAndRecall(tp: number, fp: number, fn: number): { precision: number; recall: number } {
  return { precision: tp + fp === 0 ? 0 : tp / (tp + fp), recall: tp + fn === 0 ? 0 : tp / (tp + fn) };
}

/** First index whose value is `>= x` in an ascending array. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
