import type { Dataset, Example } from '../types';
import { toMultiHot } from '../multi-hot';
import { TfidfVectorizer, type TfidfOptions } from './tfidf';
import { trainLogisticOvr, type LogisticOptions, type LogisticOvrModel } from './logistic-ovr';
import { labelSetMetrics, type MultiLabelReport } from './metrics';

/**
 * A trained TF-IDF + one-vs-rest logistic regression baseline.
 *
 * @example
 * ```ts
 * const baseline = trainTfidfBaseline(train.examples, train.labelSchema);
 * baseline.predict(['where is my order???']); // [['frustration', 'urgency']]
 * ```
 */
export interface TfidfBaseline {
  readonly labels: readonly string[];
  readonly featureCount: number;
  /** Per text, the probability of each label in `labels` order. */
  predictProba(texts: readonly string[]): Float32Array[];
  /** Per text, the labels whose probability is at least `threshold` (default 0.5); `neutral` is dropped when another label is on. */
  predict(texts: readonly string[], threshold?: number): string[][];
}

/**
 * Options of {@link trainTfidfBaseline}: the features' and the classifier's.
 *
 * @example
 * ```ts
 * const options: TfidfBaselineOptions = { tfidf: { minDf: 2 }, logistic: { l2: 1e-5 } };
 * ```
 */
export interface TfidfBaselineOptions {
  readonly tfidf?: TfidfOptions;
  readonly logistic?: LogisticOptions;
}

/**
 * Trains the reference baseline that any fine-tuned model should beat: TF-IDF features (word 1–2-grams and
 * character 3–5-grams) and one logistic regression per label. Small and deterministic; its score on messages
 * written by people, against its score on held-out generated ones, shows how well the generated corpus teaches.
 *
 * @example
 * ```ts
 * const baseline = trainTfidfBaseline(generateCorpus({ n: 5000, seed: 7 }).examples, DEFAULT_LABELS);
 * ```
 */
export function trainTfidfBaseline(examples: readonly Example[], labels: readonly string[], options: TfidfBaselineOptions = {}): TfidfBaseline {
  const texts = examples.map((example) => example.text);
  const tfidf = new TfidfVectorizer(options.tfidf).fit(texts);
  const model: LogisticOvrModel = trainLogisticOvr(tfidf.transform(texts), toMultiHot(examples, labels), tfidf.size, options.logistic);
  const predictProba = (input: readonly string[]): Float32Array[] => model.predictProba(tfidf.transform(input));
  return {
    labels,
    featureCount: tfidf.size,
    predictProba,
    predict(input, threshold = 0.5) {
      return predictProba(input).map((probabilities) => baselineLabelSet(labels, probabilities, threshold));
    },
  };
}

/**
 * The baseline's own decision rule, the one {@link TfidfBaseline.predict} applies to each message: the labels whose
 * probability is at least `threshold`, `neutral` dropped when another label is on, and the most likely label when
 * none is (so every message gets an answer, as in serving). Exported so a reference implementation of the baseline
 * can be checked to decide the same way.
 *
 * @example
 * ```ts
 * baselineLabelSet(['frustration', 'neutral'], [0.7, 0.6]); // ['frustration']
 * baselineLabelSet(['frustration', 'neutral'], [0.3, 0.2]); // ['frustration']
 * ```
 */
export function baselineLabelSet(labels: readonly string[], probabilities: ArrayLike<number>, threshold = 0.5): string[] {
  if (probabilities.length !== labels.length) throw new RangeError(`${probabilities.length} probabilities for ${labels.length} labels`);
  const on = labels.filter((_, l) => (probabilities[l] as number) >= threshold);
  if (on.length > 1) return on.filter((label) => label !== 'neutral');
  if (on.length === 1) return on;
  let best = 0;
  for (let l = 1; l < labels.length; l++) if ((probabilities[l] as number) > (probabilities[best] as number)) best = l;
  return [labels[best] as string];
}

/**
 * Scores a baseline on a dataset, over the labels the dataset covers.
 *
 * @example
 * ```ts
 * const report = evaluateBaseline(baseline, readDataset('fixtures/handwritten-eval.jsonl').dataset);
 * console.log(report.macroF1);
 * ```
 */
export function evaluateBaseline(baseline: TfidfBaseline, dataset: Pick<Dataset, 'examples' | 'coveredLabels'>, threshold = 0.5): MultiLabelReport {
  const predicted = baseline.predict(
    dataset.examples.map((example) => example.text),
    threshold,
  );
  const labels = baseline.labels.filter((label) => dataset.coveredLabels.includes(label));
  return labelSetMetrics(
    dataset.examples.map((example) => example.labels),
    predicted,
    labels,
  );
}
