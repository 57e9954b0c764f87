import * as tf from '@tensorflow/tfjs-core';
import { chunk, disposeBatch, makeBatch, type EncodedExample } from './batching';
import type { TrainableClassifier, TrainingLoss } from './classifier';
import { decideLabelSets, labelsPresent, multiLabelMetrics, selectColumns, type MultiLabelMetrics } from '@mangaassist/data';

/** Options of {@link predictProbabilities}. */
export interface PredictOptions {
  /** Examples per forward pass (default 64). */
  readonly batchSize?: number;
  /** Padding token id (default 0). */
  readonly padId?: number;
  /** When given, its mean over the examples is returned as well (weighted by batch size). */
  readonly loss?: TrainingLoss;
}

/**
 * Sigmoid probabilities of every example (one row per example, one column per classifier label), in eval mode.
 * Examples are batched by length so that little padding is computed; rows come back in input order.
 *
 * @example
 * ```ts
 * const { probabilities } = await predictProbabilities(model, examples, { batchSize: 64 });
 * ```
 */
export async function predictProbabilities(
  classifier: TrainableClassifier,
  examples: readonly EncodedExample[],
  options: PredictOptions = {},
): Promise<{ probabilities: Float32Array[]; loss: number | undefined }> {
  const { batchSize = 64, padId = 0, loss } = options;
  const byLength = examples.map((_, i) => i).sort((a, b) => examples[a]!.inputIds.length - examples[b]!.inputIds.length || a - b);
  const probabilities = new Array<Float32Array>(examples.length);
  let lossSum = 0;
  for (const indices of chunk(byLength, batchSize)) {
    const batch = makeBatch(
      indices.map((i) => examples[i]!),
      padId,
    );
    try {
      const [probs, lossValue] = tf.tidy(() => {
        const logits = classifier.apply(batch.inputIds, batch.attentionMask, { training: false });
        return [tf.sigmoid(logits), loss ? loss.compute(logits, batch.targets) : undefined] as const;
      });
      // Asynchronous reads: WebGPU cannot read device memory synchronously.
      const values = (await probs.data()) as Float32Array;
      const width = probs.shape[1]!;
      indices.forEach((exampleIndex, row) => {
        probabilities[exampleIndex] = values.slice(row * width, (row + 1) * width);
      });
      probs.dispose();
      if (lossValue) {
        lossSum += (await lossValue.data())[0]! * batch.size;
        lossValue.dispose();
      }
    } finally {
      disposeBatch(batch);
    }
  }
  return { probabilities, loss: loss && examples.length > 0 ? lossSum / examples.length : undefined };
}

/** Options of {@link evaluateClassifier}. */
export interface EvaluateOptions extends PredictOptions {
  /** Labels to score (default: the classifier's labels that have a positive example in `examples`). */
  readonly labels?: readonly string[];
  /** Decision threshold per classifier label (default 0.5 for each). */
  readonly thresholds?: Readonly<Record<string, number>>;
}

/** What {@link evaluateClassifier} returns. */
export interface Evaluation {
  readonly metrics: MultiLabelMetrics;
  /** Threshold used for each evaluated label. */
  readonly thresholds: Readonly<Record<string, number>>;
  /** Mean loss, when a loss was given. */
  readonly loss: number | undefined;
}

/**
 * Scores a classifier on labelled examples: per-label precision/recall/F1, macro-F1, exact match and Hamming loss
 * over the evaluated labels, each label on at its threshold and then the guideline label set (`decideLabelSets`
 * of `@mangaassist/data`: `neutral` off beside another label, on when none is), as serving decides.
 *
 * @throws RangeError when an evaluated label or a threshold names a label the classifier does not have
 *
 * @example
 * ```ts
 * const { metrics } = await evaluateClassifier(model, validation, { thresholds: { frustration: 0.4 } });
 * console.log(metrics.macroF1);
 * ```
 */
export async function evaluateClassifier(
  classifier: TrainableClassifier,
  examples: readonly EncodedExample[],
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const all = classifier.labels;
  for (const label of Object.keys(options.thresholds ?? {})) {
    if (!all.includes(label)) throw new RangeError(`threshold for unknown label "${label}"; labels: ${all.join(', ')}`);
  }
  const targets = examples.map((e) => e.targets);
  const labels = options.labels ?? (examples.length > 0 ? labelsPresent(targets, all) : [...all]);
  const evaluated = labels.length > 0 ? labels : [...all];
  const columns = evaluated.map((label) => {
    const index = all.indexOf(label);
    if (index < 0) throw new RangeError(`cannot evaluate unknown label "${label}"; labels: ${all.join(', ')}`);
    return index;
  });
  const thresholdOf = (label: string) => options.thresholds?.[label] ?? 0.5;
  const thresholds = Object.fromEntries(evaluated.map((label) => [label, thresholdOf(label)]));
  const { probabilities, loss } = await predictProbabilities(classifier, examples, options);
  // Every label is decided (unevaluated ones at 0.5) before the evaluated columns are kept, as serving decides: the
  // guideline label set reads neutral from all the other labels.
  const decided = decideLabelSets(probabilities, all.map(thresholdOf), all);
  const predicted = selectColumns(decided, columns);
  return { metrics: multiLabelMetrics(predicted, selectColumns(targets, columns), evaluated), thresholds, loss };
}
