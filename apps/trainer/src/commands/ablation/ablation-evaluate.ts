import { ChurnPhraseMatcher, OnnxTextClassifier } from '@mangaassist/serving';
import { calibrate, createThresholdStrategyRegistry, labelScoresOf, thresholdCurve, type LabelCalibration } from '@mangaassist/thresholds';
import { multiLabelMetrics, type Example } from '@mangaassist/data';

/** The columns of one table row. `null` where the data does not annotate the label (GoEmotions has no churn_risk). */
export interface RowMetrics {
  readonly macroF1: number;
  readonly frustrationRecall: number | null;
  readonly churnF1: number | null;
  readonly exactMatch: number;
}

/** Validation probabilities of one model, restricted to the evaluated labels (columns in `labels` order). */
export interface ValidationScores {
  readonly labels: readonly string[];
  readonly texts: readonly string[];
  readonly probabilities: Float32Array[];
  readonly targets: Float32Array[];
}

/**
 * Predicts the validation texts with the exported ONNX model in `modelDir` (what serving runs) and keeps the
 * columns of `evalLabels`.
 *
 * @example
 * ```ts
 * const scores = await predictValidation('runs/a/rows/focal-loss/best-model', validation, ['frustration'], 64);
 * ```
 */
export async function predictValidation(
  modelDir: string,
  examples: readonly Example[],
  evalLabels: readonly string[],
  batchSize: number,
): Promise<ValidationScores> {
  const model = await OnnxTextClassifier.load(modelDir);
  try {
    const columns = evalLabels.map((label) => {
      const j = model.labels.indexOf(label);
      if (j < 0) throw new RangeError(`${modelDir} has no label ${label} (it has ${model.labels.join(', ')})`);
      return j;
    });
    const probabilities: Float32Array[] = [];
    for (let i = 0; i < examples.length; i += batchSize) {
      const rows = await model.predict(examples.slice(i, i + batchSize).map((e) => e.text));
      for (const row of rows) probabilities.push(Float32Array.from(columns, (j) => row[j] as number));
    }
    return {
      labels: [...evalLabels],
      texts: examples.map((e) => e.text),
      probabilities,
      targets: examples.map((e) => Float32Array.from(evalLabels, (label) => (e.labels.includes(label) ? 1 : 0))),
    };
  } finally {
    await model.dispose();
  }
}

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
    churnF1: metrics.perLabel.churn_risk?.f1 ?? null,
    exactMatch: metrics.exactMatch,
  };
}

/**
 * Per-label thresholds chosen by the `fbeta-sweep` strategy (the seed's β per label) on the validation scores.
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
    // [CLS] and [SEP] take two of the positions.
    const words = LATENCY_WORDS.split(' ');
    const text = Array.from({ length: Math.max(1, options.tokens - 2) }, (_, i) => words[i % words.length]).join(' ');
    for (let i = 0; i < 5; i++) await model.predict([text]);
    const times: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const start = performance.now();
      await model.predict([text]);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor((times.length - 1) / 2)]!;
  } finally {
    await model.dispose();
  }
}

const LATENCY_WORDS = 'my order of the new manga volume is late again and i want to know where it is right now please';
