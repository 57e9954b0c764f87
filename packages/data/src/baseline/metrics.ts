import { labelsPresent, multiLabelMetrics } from '../metrics';

/**
 * Precision, recall and F1 of one label, with its support (true positives + false negatives) and how often it
 * was predicted. A ratio with a zero denominator is 0, as scikit-learn's `zero_division=0`.
 *
 * @example
 * ```ts
 * const m: LabelSetMetrics = { label: 'urgency', precision: 0.8, recall: 0.5, f1: 0.615, support: 30, predicted: 19 };
 * ```
 */
export interface LabelSetMetrics {
  readonly label: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
  readonly predicted: number;
}

/**
 * Per-label metrics plus macro-F1 (mean over the evaluated labels that have support) and micro-F1.
 *
 * @example
 * ```ts
 * const report: MultiLabelReport = labelSetMetrics(truth, predicted, ['frustration', 'neutral']);
 * ```
 */
export interface MultiLabelReport {
  readonly perLabel: readonly LabelSetMetrics[];
  readonly macroF1: number;
  readonly microF1: number;
  /** Labels in the macro average: the evaluated labels with at least one positive in the truth. */
  readonly macroLabels: readonly string[];
}

/**
 * Scores multi-label predictions given as label lists, label by label (through `multiLabelMetrics`). Only `labels`
 * are scored, which is how a dataset's uncovered labels (urgency and churn_risk in GoEmotions) are left out; a
 * label without positives in the truth is reported but not averaged, since its F1 would be 0 or undefined whatever
 * the model does.
 *
 * @example
 * ```ts
 * labelSetMetrics([['frustration'], ['neutral']], [['frustration'], ['frustration']], ['frustration', 'neutral']).macroF1;
 * // frustration F1 = 2/3, neutral F1 = 0 → 1/3
 * ```
 */
export function labelSetMetrics(truth: readonly (readonly string[])[], predicted: readonly (readonly string[])[], labels: readonly string[]): MultiLabelReport {
  if (truth.length !== predicted.length) throw new RangeError(`truth (${truth.length}) and predicted (${predicted.length}) must have the same length`);
  if (labels.length === 0) return { perLabel: [], macroF1: 0, microF1: 0, macroLabels: [] };
  const rows = (sets: readonly (readonly string[])[]) => sets.map((set) => Uint8Array.from(labels, (label) => (set.includes(label) ? 1 : 0)));
  const actual = rows(truth);
  const metrics = multiLabelMetrics(rows(predicted), actual, labels);
  const macroLabels = labelsPresent(actual, labels);
  return {
    perLabel: labels.map((label) => ({ label, ...metrics.perLabel[label]! })),
    macroF1: macroLabels.length === 0 ? 0 : macroLabels.reduce((sum, label) => sum + metrics.perLabel[label]!.f1, 0) / macroLabels.length,
    microF1: metrics.microF1,
    macroLabels,
  };
}
