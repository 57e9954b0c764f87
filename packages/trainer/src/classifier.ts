import type * as tf from '@tensorflow/tfjs-core';

/** Options of one forward pass. */
export interface ApplyOptions {
  /** Dropout is active only when training. */
  readonly training: boolean;
  /**
   * Seed for every random draw of this pass (dropout masks). The trainer derives it from (seed, epoch, step), so a
   * resumed run draws the same masks as an uninterrupted one; a model derives one seed per dropout layer from it.
   */
  readonly seed?: number;
}

/**
 * What the trainer needs from a classifier: a forward pass, its variables split into layer groups, and saving. The DistilBERT classifier of `@mangaassist/core-model` satisfies it
 * structurally; tests use {@link createTinyClassifier}.
 *
 * @example
 * ```ts
 * const logits = classifier.apply(inputIds, attentionMask, { training: false }); // [batch, labels.length]
 * const headVars = classifier.variablesByGroup().head;
 * ```
 */
export interface TrainableClassifier {
  /** Output labels, in logit column order. */
  readonly labels: readonly string[];
  /** Logits `[batch, labels]` from int32 `inputIds` and 0/1 `attentionMask`, both `[batch, seqLen]`. */
  apply(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, options: ApplyOptions): tf.Tensor2D;
  /**
   * The trainable variables of each group, in the model's group order — the first (the embeddings, most general) to
   * the last (the head); every variable is in exactly one group. The order is what unfreezing schedules and
   * discriminative rates count positions in (the last group is the head; "the top n groups" are the last n); the
   * names appear in logs, reports and checkpoint keys. The DistilBERT classifier's groups come from core-model's
   * `layerGroupNames` (`embeddings`, transformer blocks `layer_<first>[_<last>]`, `head`).
   */
  variablesByGroup(): Readonly<Record<string, readonly tf.Variable[]>>;
  /**
   * Optional per-variable learning-rate multipliers, by TensorFlow.js variable name: a listed variable trains at its
   * group's rate times the multiplier (the DistilBERT classifier lists its wide n-gram tables, `head.wide.lrMultiplier`,
   * which start at zero and see a gradient only in the steps whose batch contains their n-gram). Unlisted: × 1.
   */
  learningRateMultipliers?(): ReadonlyMap<string, number>;
  /** Writes the model as a Hugging Face style directory. */
  save(dir: string): Promise<void> | void;
  dispose(): void;
}

/**
 * What the trainer needs from a loss plugin (`@mangaassist/losses`): a scalar from logits and 0/1 targets, plus the
 * loss's own trainable variables (uncertainty weighting learns one per label), trained at the head's rate.
 *
 * @example
 * ```ts
 * const value = loss.compute(logits, targets); // scalar
 * ```
 */
export interface TrainingLoss {
  /**
   * Must reduce to a scalar for training (`mean` or `sum` reduction). `mask` (N×L, 0 = leave the element out,
   * other values weigh it) comes with batches from sources that do not annotate every label.
   */
  compute(logits: tf.Tensor2D, targets: tf.Tensor2D, mask?: tf.Tensor2D): tf.Tensor;
  trainableVariables(): readonly tf.Variable[];
  dispose(): void;
}
