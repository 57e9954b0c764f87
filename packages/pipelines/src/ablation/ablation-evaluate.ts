import { ChurnPhraseMatcher, OnnxTextClassifier } from '@mangaassist/serving';
import type { SplitScores } from '../predict-split';
import { calibrate, createThresholdStrategyRegistry, labelScoresOf, thresholdCurve, thresholdMapOf, type LabelCalibration } from '@mangaassist/thresholds';
import { multiLabelMetrics } from '@mangaassist/data';
import type { RowDecision } from './ablation-rows';

/** The columns of one table row. `null` where the data does not annotate the label (GoEmotions has no churn_risk). */
export interface RowMetrics {
  readonly macroF1: number;
  readonly frustrationRecall: number | null;
  readonly frustrationPrecision: number | null;
  readonly churnF1: number | null;
  readonly exactMatch: number;
}

/** Probabilities of one model on a split, over the labels the split scores (`predictSplit` of this package). */
export type ValidationScores = SplitScores;

/**
 * The table columns for `scores` decided at `thresholds` (label → threshold; 0.5 for labels not in the map).
 *
 * @example
 * ```ts
 * rowMetrics(scores, {}).macroF1; // at 0.5 everywhere
 * ```
 */
export function rowMetrics(scores: ValidationScores, thresholds: Readonly<Record<string, number>>): RowMetrics {
  const cut = scores.labels.map((label) => thresholds[label] ?? 0.5);
  const predicted = scores.probabilities.map((row) => Uint8Array.from(row, (p, j) => (p >= cut[j]! ? 1 : 0)));
  const metrics = multiLabelMetrics(predicted, scores.targets, scores.labels);
  return {
    macroF1: metrics.macroF1,
    frustrationRecall: metrics.perLabel.frustration?.recall ?? null,
    frustrationPrecision: metrics.perLabel.frustration?.precision ?? null,
    churnF1: metrics.perLabel.churn_risk?.f1 ?? null,
    exactMatch: metrics.exactMatch,
  };
}

/**
 * Per-label thresholds chosen by the `fbeta-sweep` strategy (the design document's β per label) on the validation scores.
 *
 * @example
 * ```ts
 * const results = calibrateScores(scores); // [{ label: 'frustration', threshold: 0.31, … }, …]
 * ```
 */
export function calibrateScores(scores: ValidationScores): LabelCalibration[] {
  const strategy = createThresholdStrategyRegistry().create('fbeta-sweep', {}, { labels: scores.labels });
  return calibrate({ labels: scores.labels, probabilities: scores.probabilities, targets: scores.targets, strategy });
}

/**
 * The scores after the serving churn rule: a message matching a churn phrase gets `boost` added to its churn_risk
 * probability (capped at 1). Unchanged when churn_risk is not evaluated.
 *
 * @example
 * ```ts
 * const boosted = withChurnBoost(scores, ['cancel', 'never again'], 0.35);
 * ```
 */
export function withChurnBoost(scores: ValidationScores, phrases: readonly string[], boost: number): ValidationScores {
  const j = scores.labels.indexOf('churn_risk');
  if (j < 0) return scores;
  const matcher = new ChurnPhraseMatcher(phrases);
  const probabilities = scores.probabilities.map((row, i) => {
    if (matcher.match(scores.texts[i]!).length === 0) return row;
    const boosted = Float32Array.from(row);
    boosted[j] = Math.min(1, row[j]! + boost);
    return boosted;
  });
  return { ...scores, probabilities };
}

/** The serving churn rule a row applies on top of its thresholds. */
export interface ChurnRule {
  readonly phrases: readonly string[];
  readonly boost: number;
}

/**
 * How a row decides, fixed once from the validation split: per-label thresholds (empty: 0.5 everywhere) and the
 * churn rule when the row has one. The same rule then scores every split (validation, the hand-written slices), so
 * a slice never chooses its own thresholds.
 */
export interface DecisionRule {
  readonly thresholds: Readonly<Record<string, number>>;
  readonly churn: ChurnRule | null;
}

/**
 * The decision rule of a row: 0.5, or thresholds calibrated (per-label F-β sweep) on `validation`, plus the churn
 * rule for `calibrated+churn-boost`. The churn rule acts at serving time on top of the calibrated thresholds, so
 * they are chosen without it.
 *
 * @example
 * ```ts
 * const rule = decisionRule('calibrated', validationScores, { phrases: ['cancel'], boost: 0.35 });
 * applyDecision(handwrittenScores, rule).macroF1; // the slice scored with the validation thresholds
 * ```
 */
export function decisionRule(decision: RowDecision, validation: ValidationScores, churn: ChurnRule): DecisionRule {
  if (decision === 'threshold-0.5') return { thresholds: {}, churn: null };
  return { thresholds: thresholdMapOf(calibrateScores(validation)), churn: decision === 'calibrated+churn-boost' ? churn : null };
}

/**
 * The table columns of `scores` decided by `rule` (labels without a threshold in the rule are decided at 0.5).
 *
 * @example
 * ```ts
 * applyDecision(scores, { thresholds: {}, churn: null }); // same as rowMetrics(scores, {})
 * ```
 */
export function applyDecision(scores: ValidationScores, rule: DecisionRule): RowMetrics {
  return rowMetrics(rule.churn ? withChurnBoost(scores, rule.churn.phrases, rule.churn.boost) : scores, rule.thresholds);
}

/**
 * Precision/recall points of one label as the threshold sweeps 0.01 … 0.99, ordered by recall.
 *
 * @example
 * ```ts
 * const points = precisionRecallCurve(scores, 'frustration'); // [[recall, precision], …]
 * ```
 */
export function precisionRecallCurve(scores: ValidationScores, label: string): (readonly [number, number])[] {
  const j = scores.labels.indexOf(label);
  if (j < 0) throw new RangeError(`no label ${label} in ${scores.labels.join(', ')}`);
  const [column] = labelScoresOf({
    labels: [label],
    probabilities: scores.probabilities.map((row) => [row[j]!]),
    targets: scores.targets.map((row) => [row[j]!]),
  });
  return thresholdCurve(column!, 1)
    .map((p) => [p.recall, p.precision] as const)
    .sort((a, b) => a[0] - b[0]);
}

/**
 * Median latency in milliseconds of classifying one message of about `tokens` word pieces with the exported model
 * through ONNX Runtime, after a few warm-up runs.
 *
 * @example
 * ```ts
 * const p50 = await measureLatencyMs('runs/a/rows/focal-loss/best-model', { runs: 50, tokens: 24 });
 * ```
 */
export async function measureLatencyMs(modelDir: string, options: { readonly runs: number; readonly tokens: number }): Promise<number> {
  const model = await OnnxTextClassifier.load(modelDir);
  try {
    const text = latencyText(options.tokens);
    return await medianMs(options.runs, () => model.predict([text]));
  } finally {
    await model.dispose();
  }
}

/**
 * The message the latency columns time: about `tokens` word pieces once [CLS] and [SEP] are added.
 *
 * @example
 * ```ts
 * latencyText(6); // 'my order of the'
 * ```
 */
export function latencyText(tokens: number): string {
  // [CLS] and [SEP] take two of the positions.
  const words = LATENCY_WORDS.split(' ');
  return Array.from({ length: Math.max(1, tokens - 2) }, (_, i) => words[i % words.length]).join(' ');
}

/**
 * Median wall time in milliseconds of `runs` calls of `call`, after five warm-up calls.
 *
 * @example
 * ```ts
 * const p50 = await medianMs(50, () => baseline.predictProba(['where is my order']));
 * ```
 */
export async function medianMs(runs: number, call: () => unknown): Promise<number> {
  for (let i = 0; i < 5; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor((times.length - 1) / 2)]!;
}

const LATENCY_WORDS = 'my order of the new manga volume is late again and i want to know where it is right now please';
