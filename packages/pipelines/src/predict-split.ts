import { MangaAssistError } from '@mangaassist/common';
import { scoredLabels, type Example } from '@mangaassist/data';

/**
 * A saved model as far as scoring a split goes: its labels (the output columns, in order) and its probabilities for
 * a list of texts. {@link onnxSplitModel} and {@link tfjsSplitModel} adapt the two runtimes.
 */
export interface SplitModel {
  readonly labels: readonly string[];
  /** One row per text, in input order, one probability per model label. */
  predict(texts: readonly string[]): Promise<readonly ArrayLike<number>[]>;
}

/** A labelled split to score: its examples and the labels its source could annotate. */
export interface LabelledExamples {
  readonly examples: readonly Example[];
  /** The labels the source could have annotated at all (a dataset's `coveredLabels`). */
  readonly coveredLabels: readonly string[];
}

/** Probabilities and targets of one split over the labels it scores (columns in `labels` order). */
export interface SplitScores {
  readonly labels: readonly string[];
  readonly texts: readonly string[];
  readonly probabilities: Float32Array[];
  readonly targets: Float32Array[];
}

/** What {@link predictSplit} returns: the scores, and the model labels left out because the split does not score them. */
export interface SplitPrediction extends SplitScores {
  readonly uncovered: readonly string[];
  /**
   * Every model label's probability per example, in the model's label order: what a rule over the whole label set
   * needs (the guideline label set decides `neutral` from the other labels, scored or not).
   */
  readonly modelProbabilities: readonly Float32Array[];
}

/** Options of {@link predictSplit}. */
export interface PredictSplitOptions {
  /**
   * Score exactly these model labels (e.g. those a training run was validated on). Default: the model labels the
   * split covers (`scoredLabels` of `@mangaassist/data`), and with `marked` only those it also marks at least once.
   */
  readonly labels?: readonly string[];
  /** With the default labels: also require a positive example in the split (evaluation; calibration leaves it off). */
  readonly marked?: boolean;
  /** Names the split in errors (a file name). */
  readonly source?: string;
}

/**
 * Predicts a labelled split with a saved model and keeps only the labels the data covers: the one way `evaluate`,
 * `calibrate` and the ablation (validation split and hand-written slices) score a model on data, so that a label the
 * data never annotates (GoEmotions has no urgency or churn_risk) is left out instead of counted as missed. The
 * training loop's validation picks its labels by the same rule (`scoredLabels`, through `readJobData`).
 *
 * @throws MangaAssistError `DATA_INVALID` when the split has no examples or scores none of the model's labels;
 *   `INVALID_ARGUMENT` when `labels` names a label the model does not have
 *
 * @example
 * ```ts
 * const model = await OnnxTextClassifier.load('runs/quickstart/model');
 * const { labels, probabilities, targets } = await predictSplit(onnxSplitModel(model, 64), dataset, { source: 'val.jsonl' });
 * ```
 */
export async function predictSplit(model: SplitModel, split: LabelledExamples, options: PredictSplitOptions = {}): Promise<SplitPrediction> {
  const source = options.source ?? 'the split';
  if (split.examples.length === 0) throw new MangaAssistError('DATA_INVALID', `${source} has no examples`, { file: source });
  const labels = options.labels ? [...options.labels] : scoredLabels(model.labels, split, { marked: options.marked ?? false });
  if (labels.length === 0) {
    throw new MangaAssistError(
      'DATA_INVALID',
      `${source} ${options.marked ? 'covers and marks' : 'annotates'} none of the model's labels (${model.labels.join(', ')})`,
      { file: source },
    );
  }
  const columns = labels.map((label) => {
    const j = model.labels.indexOf(label);
    if (j < 0) throw new MangaAssistError('INVALID_ARGUMENT', `the model has no label ${label} (it has ${model.labels.join(', ')})`, { field: 'labels' });
    return j;
  });
  const rows = await model.predict(split.examples.map((e) => e.text));
  if (rows.length !== split.examples.length) throw new RangeError(`the model returned ${rows.length} rows for ${split.examples.length} texts`);
  const modelProbabilities = rows.map((row) => Float32Array.from(row));
  return {
    ...splitScores(split.examples, labels, modelProbabilities.map((row) => Float32Array.from(columns, (j) => row[j]!))),
    uncovered: model.labels.filter((label) => !labels.includes(label)),
    modelProbabilities,
  };
}

/**
 * Scores from probabilities already restricted to `labels` (one row per example, columns in `labels` order), e.g.
 * those of the TF-IDF baseline; the targets are the examples' labels as 0/1 in the same columns.
 *
 * @example
 * ```ts
 * const scores = splitScores(validation, ['frustration', 'neutral'], [Float32Array.of(0.8, 0.1), …]);
 * ```
 */
export function splitScores(examples: readonly Example[], labels: readonly string[], probabilities: readonly Float32Array[]): SplitScores {
  if (probabilities.length !== examples.length) throw new RangeError(`${probabilities.length} probability rows for ${examples.length} examples`);
  return {
    labels: [...labels],
    texts: examples.map((e) => e.text),
    probabilities: [...probabilities],
    targets: examples.map((e) => Float32Array.from(labels, (label) => (e.labels.includes(label) ? 1 : 0))),
  };
}

/** What {@link onnxSplitModel} needs of an ONNX classifier (`OnnxTextClassifier` of `@mangaassist/serving`). */
export interface OnnxLikeClassifier {
  readonly labels: readonly string[];
  predict(texts: readonly string[]): Promise<readonly ArrayLike<number>[]>;
}

/**
 * An exported ONNX model (what serving runs) as a {@link SplitModel}, predicting `batchSize` texts per call.
 *
 * @example
 * ```ts
 * const scores = await predictSplit(onnxSplitModel(await OnnxTextClassifier.load(dir), 64), slice);
 * ```
 */
export function onnxSplitModel(model: OnnxLikeClassifier, batchSize: number): SplitModel {
  checkBatchSize(batchSize);
  return {
    labels: model.labels,
    async predict(texts) {
      const rows: ArrayLike<number>[] = [];
      for (let i = 0; i < texts.length; i += batchSize) rows.push(...(await model.predict(texts.slice(i, i + batchSize))));
      return rows;
    },
  };
}

/** What {@link tfjsSplitModel} needs of a TensorFlow.js classifier (`MultiLabelClassifier` of `@mangaassist/core-model`). */
export interface TfjsLikeClassifier {
  readonly labels: readonly string[];
  predictProbabilities(texts: readonly string[], options: { readonly batchSize: number }): Promise<readonly ArrayLike<number>[]>;
}

/**
 * A TensorFlow.js classifier (as `loadClassifier` returns it) as a {@link SplitModel}, `batchSize` texts per forward pass.
 *
 * @example
 * ```ts
 * const scores = await predictSplit(tfjsSplitModel(await loadClassifier(dir), 64), dataset, { marked: true });
 * ```
 */
export function tfjsSplitModel(model: TfjsLikeClassifier, batchSize: number): SplitModel {
  checkBatchSize(batchSize);
  return { labels: model.labels, predict: (texts) => model.predictProbabilities(texts, { batchSize }) };
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new MangaAssistError('INVALID_ARGUMENT', `batch size must be a positive integer, got ${batchSize}`, { field: 'batchSize' });
}
