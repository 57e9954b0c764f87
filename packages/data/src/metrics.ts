/**
 * Multi-label classification metrics as pure functions over 0/1 matrices (rows = examples, columns = labels): the
 * one implementation the trainer's validation, the ablation and the data baseline all score with.
 * Conventions follow scikit-learn with `zero_division=0`: a precision or recall whose denominator is zero is 0.
 */
import { guidelineLabelSet } from '@mangaassist/common';

/** Precision, recall and F1 of one label, with its number of positive examples and of positive predictions. */
export interface LabelMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Positive examples of this label in the reference. */
  readonly support: number;
  /** Examples predicted positive for this label. */
  readonly predicted: number;
}

/** Every validation metric of a multi-label prediction. */
export interface MultiLabelMetrics {
  /** Number of examples. */
  readonly n: number;
  /** The labels evaluated, in column order. */
  readonly labels: readonly string[];
  readonly perLabel: Readonly<Record<string, LabelMetrics>>;
  /** Unweighted mean of the per-label F1 scores. */
  readonly macroF1: number;
  /** F1 of the pooled counts of every label. */
  readonly microF1: number;
  /** Fraction of examples whose whole label set is predicted exactly (subset accuracy). */
  readonly exactMatch: number;
  /** Fraction of (example, label) cells predicted wrongly. */
  readonly hammingLoss: number;
}

/** A matrix given as rows; each row has one 0/1 (or probability) value per label. */
export type Rows = readonly ArrayLike<number>[];

function checkShape(name: string, rows: Rows, width: number): void {
  rows.forEach((row, i) => {
    if (row.length !== width) {
      throw new RangeError(`${name}[${i}] has ${row.length} values but there are ${width} labels`);
    }
  });
}

/**
 * Computes {@link MultiLabelMetrics} from binary predictions and binary references.
 *
 * @param predicted - 0/1 predictions, one row per example
 * @param actual - 0/1 references, same shape
 * @param labels - column names
 * @throws RangeError when shapes disagree
 *
 * @example
 * ```ts
 * const m = multiLabelMetrics([[1, 0], [0, 1]], [[1, 0], [1, 1]], ['a', 'b']);
 * m.perLabel.a; // { precision: 1, recall: 0.5, f1: 0.667, support: 2 }
 * m.exactMatch; // 0.5
 * ```
 */
export function multiLabelMetrics(predicted: Rows, actual: Rows, labels: readonly string[]): MultiLabelMetrics {
  if (predicted.length !== actual.length) {
    throw new RangeError(`predicted has ${predicted.length} rows but actual has ${actual.length}`);
  }
  if (labels.length === 0) throw new RangeError('labels must not be empty');
  checkShape('predicted', predicted, labels.length);
  checkShape('actual', actual, labels.length);
  const n = predicted.length;
  const tp = new Array<number>(labels.length).fill(0);
  const fp = new Array<number>(labels.length).fill(0);
  const fn = new Array<number>(labels.length).fill(0);
  let exact = 0;
  let wrongCells = 0;
  for (let i = 0; i < n; i++) {
    const p = predicted[i]!;
    const a = actual[i]!;
    let rowWrong = 0;
    for (let j = 0; j < labels.length; j++) {
      const yes = p[j]! >= 0.5;
      const truth = a[j]! >= 0.5;
      if (yes && truth) tp[j]!++;
      else if (yes) fp[j]!++;
      else if (truth) fn[j]!++;
      if (yes !== truth) rowWrong++;
    }
    if (rowWrong === 0) exact++;
    wrongCells += rowWrong;
  }
  const perLabel: Record<string, LabelMetrics> = {};
  let f1Sum = 0;
  labels.forEach((label, j) => {
    const metrics = labelMetrics(tp[j]!, fp[j]!, fn[j]!);
    perLabel[label] = metrics;
    f1Sum += metrics.f1;
  });
  const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
  return {
    n,
    labels: [...labels],
    perLabel,
    macroF1: f1Sum / labels.length,
    microF1: labelMetrics(sum(tp), sum(fp), sum(fn)).f1,
    exactMatch: n === 0 ? 0 : exact / n,
    hammingLoss: n === 0 ? 0 : wrongCells / (n * labels.length),
  };
}

/**
 * Precision, recall and F1 from confusion counts (zero denominators give 0).
 *
 * @example
 * ```ts
 * labelMetrics(3, 1, 2); // { precision: 0.75, recall: 0.6, f1: 0.667, support: 5, predicted: 4 }
 * ```
 */
export function labelMetrics(truePositives: number, falsePositives: number, falseNegatives: number): LabelMetrics {
  const predictedPositive = truePositives + falsePositives;
  const support = truePositives + falseNegatives;
  const precision = predictedPositive === 0 ? 0 : truePositives / predictedPositive;
  const recall = support === 0 ? 0 : truePositives / support;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, support, predicted: predictedPositive };
}

/**
 * Turns probabilities into 0/1 predictions: a label is on when its probability is at least its threshold.
 *
 * @param thresholds - one threshold per column
 *
 * @example
 * ```ts
 * applyThresholds([[0.7, 0.2]], [0.5, 0.1]); // [[1, 1]]
 * ```
 */
export function applyThresholds(probabilities: Rows, thresholds: readonly number[]): Uint8Array[] {
  checkShape('probabilities', probabilities, thresholds.length);
  return probabilities.map((row) => Uint8Array.from(thresholds, (t, j) => (row[j]! >= t ? 1 : 0)));
}

/**
 * The label sets served from probabilities: {@link applyThresholds}, then the guideline label set on each row
 * (`guidelineLabelSet` of `@mangaassist/common`: `neutral` off beside another label, on when no other is). Decide
 * over every model label, then {@link selectColumns} for the labels a dataset scores: neutral reads all the others.
 *
 * @param thresholds - one threshold per column, in `labels` order
 *
 * @example
 * ```ts
 * decideLabelSets([[0.7, 0.6], [0.1, 0.2]], [0.5, 0.5], ['frustration', 'neutral']); // [[1, 0], [0, 1]]
 * ```
 */
export function decideLabelSets(probabilities: Rows, thresholds: readonly number[], labels: readonly string[]): Uint8Array[] {
  return applyThresholds(probabilities, thresholds).map((row) => Uint8Array.from(guidelineLabelSet(labels, row), Number));
}

/**
 * Keeps only the given columns of each row (to evaluate a subset of the model's labels).
 *
 * @example
 * ```ts
 * selectColumns([[1, 2, 3]], [2, 0]); // [[3, 1]]
 * ```
 */
export function selectColumns(rows: Rows, columns: readonly number[]): Float32Array[] {
  return rows.map((row) => Float32Array.from(columns, (c) => row[c]!));
}

/**
 * The labels with at least one positive example: the set worth evaluating (a label the data never marks, such as
 * `urgency` in GoEmotions, would add a meaningless F1 of 0 to the macro average).
 *
 * @example
 * ```ts
 * labelsPresent([[1, 0, 0], [0, 0, 1]], ['a', 'b', 'c']); // ['a', 'c']
 * ```
 */
export function labelsPresent(actual: Rows, labels: readonly string[]): string[] {
  checkShape('actual', actual, labels.length);
  return labels.filter((_, j) => actual.some((row) => row[j]! >= 0.5));
}
