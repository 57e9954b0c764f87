import { evaluateBaseline, scoredLabels, trainTfidfBaseline, type Example, type HandwrittenSliceId, type TfidfBaseline } from '@mangaassist/data';
import { splitScores } from '../predict-split';
import { applyDecision, latencyText, medianMs, type RowMetrics } from './ablation-evaluate';
import type { HandwrittenSliceData, SliceMetrics } from './ablation-handwritten';

/** The TF-IDF baseline's line in each table, and its figures under its own decision rule for the notes. */
export interface BaselineResult {
  readonly id: 'tfidf-baseline';
  readonly title: string;
  /** Validation columns, decided like the model rows at 0.5: a label is on when its probability is at least 0.5. */
  readonly metrics: RowMetrics;
  readonly handwritten: readonly SliceMetrics[];
  /** Seconds to fit the vectoriser and the classifiers. */
  readonly trainSeconds: number;
  /** Median in-process time of `predictProba` on the latency message (JavaScript, not ONNX Runtime). */
  readonly latencyMs: number;
  readonly trainExamples: number;
  /** The run whose training examples the baseline was trained on. */
  readonly run: string;
  /** False when an override gave some run other training examples than `run`'s. */
  readonly sameTrainingSet: boolean;
  /**
   * Macro-F1 with the baseline's own rule (`evaluateBaseline`: label at p ≥ 0.5, the most probable label when none
   * is; neutral dropped beside another label; macro over labels with positives), for comparison with the data
   * package's figures.
   */
  readonly ownRule: { readonly validation: number; readonly handwritten: readonly { readonly slice: HandwrittenSliceId; readonly macroF1: number }[] };
}

/** What the baseline is trained and scored on. */
export interface BaselineInputs {
  /** The run whose data is used, and its training and validation examples. */
  readonly run: string;
  readonly train: readonly Example[];
  readonly validation: readonly Example[];
  /** The model's labels (the baseline learns the same ones). */
  readonly labels: readonly string[];
  /** The labels the validation split annotates (the model rows' evaluated labels). */
  readonly evalLabels: readonly string[];
  readonly slices: readonly HandwrittenSliceData[];
  readonly latency: { readonly runs: number; readonly tokens: number };
  readonly sameTrainingSet: boolean;
}

const AT_HALF = { thresholds: {}, churn: null } as const;

/**
 * Trains `trainTfidfBaseline` on the runs' training examples and scores it like a model row at threshold 0.5: on the
 * validation examples over the evaluated labels, and on each hand-written slice over the labels it annotates.
 *
 * @example
 * ```ts
 * const baseline = await tfidfBaselineRow({ run: 'head-only', train, validation, labels, evalLabels, slices, latency, sameTrainingSet: true });
 * baseline.metrics.macroF1;
 * ```
 */
export async function tfidfBaselineRow(inputs: BaselineInputs): Promise<BaselineResult> {
  const started = performance.now();
  const baseline = trainTfidfBaseline(inputs.train, inputs.labels);
  const trainSeconds = (performance.now() - started) / 1000;
  const score = (examples: readonly Example[], labels: readonly string[]) => applyDecision(splitScores(examples, labels, probabilities(baseline, examples, labels)), AT_HALF);
  const text = latencyText(inputs.latency.tokens);
  return {
    id: 'tfidf-baseline',
    title: 'TF-IDF baseline (word 1–2 + char 3–5-grams, one-vs-rest logistic regression, at 0.5)',
    metrics: score(inputs.validation, inputs.evalLabels),
    handwritten: inputs.slices.map((s) => ({ slice: s.slice, metrics: score(s.examples, scoredLabels(inputs.labels, s)) })),
    trainSeconds,
    latencyMs: await medianMs(inputs.latency.runs, () => baseline.predictProba([text])),
    trainExamples: inputs.train.length,
    run: inputs.run,
    sameTrainingSet: inputs.sameTrainingSet,
    ownRule: {
      validation: evaluateBaseline(baseline, { examples: inputs.validation, coveredLabels: inputs.evalLabels }).macroF1,
      handwritten: inputs.slices.map((s) => ({ slice: s.slice, macroF1: evaluateBaseline(baseline, s).macroF1 })),
    },
  };
}

/** The baseline's probabilities of `labels` (columns in that order) for each example. */
function probabilities(baseline: TfidfBaseline, examples: readonly Example[], labels: readonly string[]): Float32Array[] {
  const columns = labels.map((label) => baseline.labels.indexOf(label));
  return baseline.predictProba(examples.map((e) => e.text)).map((row) => Float32Array.from(columns, (j) => row[j]!));
}
