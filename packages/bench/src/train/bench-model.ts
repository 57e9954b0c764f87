import type * as tf from '@tensorflow/tfjs-core';

/**
 * What the training benchmark needs from a model: logits for a batch of token ids and its trainable variables in
 * layer groups, bottom (embeddings) to top (head). The real classifier and {@link EncoderWorkload} both fit.
 */
export interface BenchModel {
  /** Token ids are drawn from [1, vocabSize). */
  readonly vocabSize: number;
  /** Number of logits per example. */
  readonly labels: number;
  /** Logits `[batch, labels]`; dropout on when `training`. */
  logits(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training: boolean): tf.Tensor2D;
  /** Trainable variables by layer group, bottom to top (the last group is the head). */
  variableGroups(): tf.Variable[][];
}

/** Which variables train: everything, the head only, or epoch N (1–4) of ULMFiT gradual unfreezing. */
export type TrainableSpec = 'full' | 'head' | 'ulmfit-1' | 'ulmfit-2' | 'ulmfit-3' | 'ulmfit-4';

/** Every {@link TrainableSpec}, in the order reports list them. */
export const TRAINABLE_SPECS: readonly TrainableSpec[] = ['full', 'head', 'ulmfit-1', 'ulmfit-2', 'ulmfit-3', 'ulmfit-4'];

/**
 * Number of layer groups, from the top, that train under `spec` out of `groupCount`. ULMFiT follows fastai's
 * schedule: epoch 1 trains the head (`freeze()`), epochs 2 and 3 one more group each (`freeze_to(-2)`,
 * `freeze_to(-3)`), epoch 4 everything (`unfreeze()`).
 *
 * @example
 * ```ts
 * trainableGroupCount('ulmfit-2', 5); // 2: the head and the top transformer block
 * ```
 */
export function trainableGroupCount(spec: TrainableSpec, groupCount: number): number {
  switch (spec) {
    case 'full':
    case 'ulmfit-4':
      return groupCount;
    case 'head':
    case 'ulmfit-1':
      return 1;
    case 'ulmfit-2':
      return Math.min(2, groupCount);
    case 'ulmfit-3':
      return Math.min(3, groupCount);
    default:
      throw new RangeError(`trainable must be one of ${TRAINABLE_SPECS.join(', ')}, got ${String(spec)}`);
  }
}

/**
 * The variables that train under `spec`.
 *
 * @example
 * ```ts
 * const vars = trainableVariables(model, 'head');
 * ```
 */
export function trainableVariables(model: BenchModel, spec: TrainableSpec): tf.Variable[] {
  const groups = model.variableGroups();
  return groups.slice(groups.length - trainableGroupCount(spec, groups.length)).flat();
}
