/**
 * Precision, recall and F1 of one label, with its support (true positives + false negatives) and how often it
 * was predicted. A ratio with a zero denominator is 0, as scikit-learn's `zero_division=0`.
 *
 * @example
 * ```ts
 * const m: LabelMetrics = { label: 'urgency', precision: 0.8, recall: 0.5, f1: 0.615, support: 30, predicted: 19 };
 * ```
 */
export interface LabelMetrics {
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
 * const report: MultiLabelReport = multiLabelMetrics(truth, predicted, ['frustration', 'neutral']);
 * ```
 */
export interface MultiLabelReport {
  readonly perLabel: readonly LabelMetrics[];
  readonly macroF1: number;
  readonly microF1: number;
  /** Labels in the macro average: the evaluated labels with at least one positive in the truth. */
  readonly macroLabels: readonly string[];
}

/**
 * Scores multi-label predictions label by label. Only `labels` are scored, which is how a dataset's uncovered
 * labels (urgency and churn_risk in GoEmotions) are left out; a label without positives in the truth is reported
 * but not averaged, since its F1 would be 0 or undefined whatever the model does.
 *
 * @example
 * ```ts
 * multiLabelMetrics([['frustration'], ['neutral']], [['frustration'], ['frustration']], ['frustration', 'neutral']).macroF1;
 * // frustration F1 = 2/3, neutral F1 = 0 → 1/3
 * ```
 */
export function multiLabelMetrics(truth: readonly (readonly string[])[], predicted: readonly (readonly string[])[], labels: readonly string[]): MultiLabelReport {
  if (truth.length !== predicted.length) throw new RangeError(`truth (${truth.length}) and predicted (${predicted.length}) must have the same length`);
  let tpAll = 0;
  let fpAll = 0;
  let fnAll = 0;
  const perLabel = labels.map((label) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    truth.forEach((gold, i) => {
      const isGold = gold.includes(label);
      const isPred = (predicted[i] as readonly string[]).includes(label);
      if (isGold && isPred) tp++;
      else if (isPred) fp++;
      else if (isGold) fn++;
    });
    tpAll += tp;
    fpAll += fp;
    fnAll += fn;
    return { label, ...prf(tp, fp, fn), support: tp + fn, predicted: tp + fp };
  });
  const averaged = perLabel.filter((m) => m.support > 0);
  return {
    perLabel,
    macroF1: averaged.length === 0 ? 0 : averaged.reduce((sum, m) => sum + m.f1, 0) / averaged.length,
    microF1: prf(tpAll, fpAll, fnAll).f1,
    macroLabels: averaged.map((m) => m.label),
  };
}

function prf(tp: number, fp: number, fn: number): { precision: number; recall: number; f1: number } {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
