import type * as tf from '@tensorflow/tfjs-core';
import type { MaskedLmInputs } from '@mangaassist/core-model';
import type { ApplyOptions } from './classifier';

/**
 * What the masked-LM loop needs from a model: the loss of a masked batch, its variables, saving. The
 * `DistilBertMaskedLm` of `@mangaassist/core-model` satisfies it structurally.
 *
 * @example
 * ```ts
 * const model: MaskedLmTrainable = await loadMaskedLm('../shared/models/mini-distilbert-mlm');
 * const loss = model.loss(batch.inputs, { training: true, seed: 7 });
 * ```
 */
export interface MaskedLmTrainable {
  /** Mean cross-entropy over the batch's targets (a scalar). */
  loss(inputs: MaskedLmInputs, options: ApplyOptions): tf.Scalar;
  /** Every trainable variable once, in a stable order (checkpoints key them by position). */
  trainableVariables(): tf.Variable[];
  /** Writes the model as a Hugging Face directory. */
  save(dir: string): Promise<void> | void;
}
