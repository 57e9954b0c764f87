import { DEFAULT_LABELS } from '@mangaassist/common';
import {
  HANDWRITTEN_EVALUATION_SLICE,
  HANDWRITTEN_SLICE_ROLES,
  handwrittenSlicePath,
  decideLabelSets,
  labelSetMetrics,
  readDataset,
  trainTfidfBaseline,
  type Example,
  type TfidfBaseline,
  type HandwrittenRole,
  type HandwrittenSliceId,
} from '@mangaassist/data';
import { calibrate, thresholdMapOf, type ThresholdPlugins } from '@mangaassist/thresholds';
import { evaluateModel } from './evaluate-model';
import type { TfjsBackendRequest } from '@mangaassist/runtime-tfjs';

/** Precision and recall of frustration, the label that escalates. */
export interface FrustrationScore {
  readonly precision: number;
  readonly recall: number;
}

/**
 * One side's figures on a slice: the ones the design document sets targets for (macro-F1, frustration recall,
 * satisfaction precision, exact match).
 */
export interface SliceFigures {
  readonly macroF1: number;
  /** Share of messages whose whole label set is predicted exactly. */
  readonly exactMatch: number;
  readonly frustration: FrustrationScore;
  readonly satisfactionPrecision: number;
}

/** The model's and the TF-IDF baseline's scores on one bundled hand-written slice. */
export interface HandwrittenScore {
  readonly slice: HandwrittenSliceId;
  readonly file: string;
  readonly messages: number;
  /**
   * `evaluation`: never trained or tuned on, the honest figure; `training`: a slice the quickstart trains on (its
   * figure says how well the training data was fitted, not how the model does on new messages).
   */
  readonly role: HandwrittenRole;
  readonly model: SliceFigures;
  /** The baseline under its own rule (0.5, `neutral` dropped beside another label, the most likely label when none). */
  readonly baseline: SliceFigures;
  /**
   * The baseline decided as the model is: per-label thresholds chosen by the same strategy on the same validation
   * examples, a label on when its probability reaches its threshold. Present when {@link scoreHandwrittenSlices} got
   * a calibration set. It separates what the model adds from what its decision rule costs: F-β thresholds favour
   * recall on the labels that escalate, which lowers macro-F1 for any model.
   */
  readonly baselineCalibrated?: SliceFigures;
  /**
   * The baseline trained on the hand-written training messages alone (no generated message), under its own rule.
   * Present when {@link scoreHandwrittenSlices} got them. Over the earlier evaluation slices it scores higher than
   * `baseline`: the generated split lowers the baseline's macro-F1 on people's messages, and the model's it raises a
   * little (docs/results/handwritten-quality.md), so a margin over `baseline` alone overstates what the model adds.
   */
  readonly baselineHandwrittenOnly?: SliceFigures;
}

/**
 * The examples and the threshold strategy the model's thresholds were chosen with, so the baseline can be decided
 * the same way (the quickstart passes its generated validation split and `fbeta-sweep`).
 */
export interface BaselineCalibration {
  readonly validation: readonly Example[];
  readonly plugins: Pick<ThresholdPlugins, 'thresholdStrategies'>;
  /** Strategy id (default `fbeta-sweep`, as `calibrate` uses). */
  readonly strategy?: string;
  /** The strategy's options, as the model's calibration used them (default `{}`). */
  readonly strategyOptions?: unknown;
}

/**
 * Scores the model (with the thresholds in its directory, as serving uses them) and the TF-IDF + logistic
 * regression baseline trained on the same training examples (the generated split and the hand-written training
 * slices) on bundled hand-written slices — by default the evaluation slice alone, the one neither was trained or
 * tuned on. Messages written by people are the figure that matters: the generated validation split flatters every
 * model trained on the generator's output. Given `handwrittenTrain` (the hand-written part of `train`), a second
 * baseline is trained on those messages alone and scored beside the first.
 *
 * @example
 * ```ts
 * const scores = await scoreHandwrittenSlices('runs/quickstart/model', trainExamples, 'cpu');
 * process.stderr.write(formatHandwrittenScores(scores));
 * ```
 */
export async function scoreHandwrittenSlices(
  modelDir: string,
  train: readonly Example[],
  backend: string,
  slices: readonly HandwrittenSliceId[] = [HANDWRITTEN_EVALUATION_SLICE],
  calibration?: BaselineCalibration,
  handwrittenTrain?: readonly Example[],
): Promise<HandwrittenScore[]> {
  const baseline = trainTfidfBaseline(train, [...DEFAULT_LABELS]);
  const baselineThresholds = calibration ? calibrateBaseline(baseline, calibration) : undefined;
  const handwrittenBaseline = handwrittenTrain ? trainTfidfBaseline(handwrittenTrain, [...DEFAULT_LABELS]) : undefined;
  const scores: HandwrittenScore[] = [];
  for (const slice of slices) {
    const file = handwrittenSlicePath(slice);
    const { dataset } = readDataset(file);
    const { report } = await evaluateModel({ model: modelDir, data: file, batchSize: 64, backend: backend as TfjsBackendRequest });
    // The baseline's own rule (`predict`: 0.5, neutral dropped, the most likely label when none), over the labels
    // the slice covers, as `evaluateBaseline` scores it.
    const covered = baseline.labels.filter((label) => dataset.coveredLabels.includes(label));
    const texts = dataset.examples.map((e) => e.text);
    const baseOwnRule = labelSetFigures(dataset.examples, baseline.predict(texts, 0.5), covered);
    scores.push({
      slice,
      file,
      messages: dataset.examples.length,
      role: HANDWRITTEN_SLICE_ROLES[slice],
      model: {
        macroF1: report.macro_f1,
        exactMatch: report.exact_match,
        frustration: { precision: report.per_label.frustration?.precision ?? 0, recall: report.per_label.frustration?.recall ?? 0 },
        satisfactionPrecision: report.per_label.satisfaction?.precision ?? 0,
      },
      baseline: baseOwnRule,
      ...(baselineThresholds ? { baselineCalibrated: baselineAtThresholds(baseline, baselineThresholds, dataset.examples) } : {}),
      ...(handwrittenBaseline ? { baselineHandwrittenOnly: labelSetFigures(dataset.examples, handwrittenBaseline.predict(texts, 0.5), covered) } : {}),
    });
  }
  return scores;
}

/** The baseline's per-label thresholds, chosen by the calibration's strategy on its validation examples. */
function calibrateBaseline(baseline: Pick<TfidfBaseline, 'labels' | 'predictProba'>, calibration: BaselineCalibration): number[] {
  const labels = baseline.labels;
  const strategy = calibration.plugins.thresholdStrategies.create(calibration.strategy ?? 'fbeta-sweep', calibration.strategyOptions ?? {}, { labels });
  const results = calibrate({
    labels,
    probabilities: baseline.predictProba(calibration.validation.map((e) => e.text)),
    targets: calibration.validation.map((e) => Float32Array.from(labels, (label) => (e.labels.includes(label) ? 1 : 0))),
    strategy,
  });
  const map = thresholdMapOf(results);
  return labels.map((label) => map[label] as number);
}

/**
 * The baseline's figures on `examples` decided by the rule the model is served with: a label is on when its
 * probability reaches its threshold, then the guideline label set (`neutral` off beside another label, on when none
 * is; no fallback to the most likely label), thresholds in `baseline.labels` order.
 *
 * @example
 * ```ts
 * baselineAtThresholds(baseline, [0.2, 0.5, 0.17, 0.28, 0.1, 0.5], dataset.examples).macroF1;
 * ```
 */
export function baselineAtThresholds(
  baseline: Pick<TfidfBaseline, 'labels' | 'predictProba'>,
  thresholds: readonly number[],
  examples: readonly Example[],
): SliceFigures {
  const labels = baseline.labels;
  const decided = decideLabelSets(baseline.predictProba(examples.map((e) => e.text)), thresholds, labels);
  const predicted = decided.map((on) => labels.filter((_, j) => on[j] === 1));
  return labelSetFigures(examples, predicted, labels);
}

/** The figures of predicted label sets against the examples' labels, macro-F1 over `labels` with positives. */
function labelSetFigures(examples: readonly Example[], predicted: readonly (readonly string[])[], labels: readonly string[]): SliceFigures {
  const report = labelSetMetrics(examples.map((e) => e.labels), predicted, labels);
  const of = (label: string) => report.perLabel.find((m) => m.label === label);
  const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((label) => b.includes(label));
  return {
    macroF1: report.macroF1,
    exactMatch: examples.filter((e, i) => sameSet(e.labels, predicted[i] ?? [])).length / examples.length,
    frustration: { precision: of('frustration')?.precision ?? 0, recall: of('frustration')?.recall ?? 0 },
    satisfactionPrecision: of('satisfaction')?.precision ?? 0,
  };
}

/**
 * Per slice, what the slice is to both (never trained on, or trained on), then one line each for the model, the
 * baseline and (when scored) the baseline decided like the model and the baseline trained on the hand-written
 * messages alone: macro-F1, exact match, frustration precision/recall and satisfaction precision.
 *
 * @example
 * ```ts
 * formatHandwrittenScores(scores);
 * // '  test3 (255 messages, never trained or tuned on)\n    model                 macro-F1 0.878  exact match 0.74 …'
 * ```
 */
export function formatHandwrittenScores(scores: readonly HandwrittenScore[]): string {
  const line = (name: string, f: SliceFigures) =>
    `    ${name.padEnd(21)} macro-F1 ${f.macroF1.toFixed(3)}  exact match ${f.exactMatch.toFixed(2)}  ` +
    `frustration P ${f.frustration.precision.toFixed(2)} R ${f.frustration.recall.toFixed(2)}  satisfaction P ${f.satisfactionPrecision.toFixed(2)}\n`;
  return scores
    .map((s) => `  ${s.slice} (${s.messages} messages, ${s.role === 'training' ? 'trained on' : 'never trained or tuned on'})\n` +
      line('model', s.model) + line('TF-IDF baseline', s.baseline) +
      (s.baselineCalibrated ? line("TF-IDF, model's rule", s.baselineCalibrated) : '') +
      (s.baselineHandwrittenOnly ? line('TF-IDF, hand-written', s.baselineHandwrittenOnly) : ''))
    .join('') +
    (scores.some((s) => s.baselineCalibrated)
      ? "  (the model with its calibrated thresholds, as served; the baseline at its own rule; \"TF-IDF, model's rule\": the baseline with thresholds chosen like the model's)\n"
      : '') +
    (scores.some((s) => s.baselineHandwrittenOnly)
      ? '  ("TF-IDF, hand-written": the baseline trained on the hand-written training messages alone, at its own rule)\n'
      : '');
}
