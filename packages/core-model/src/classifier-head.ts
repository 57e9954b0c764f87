import * as tf from '@tensorflow/tfjs-core';
import { CLASSIFIER_HEAD_TENSORS, CLASSIFIER_POOLINGS, type ClassifierPooling } from '@mangaassist/model-format';
import type { WideHeadConfig } from './wide-head';

/**
 * The classification head's pooling, shape and dropouts: pooling → Dropout → Linear dim→hiddenDim → ReLU → Dropout →
 * Linear, plus the optional wide part added to its logits.
 */
export interface ClassifierHeadConfig {
  /** Width of the hidden layer (default 256). */
  readonly hiddenDim: number;
  /** Dropout on the pooled vector before the first linear layer (default 0.2). */
  readonly dropout: number;
  /** Dropout after the ReLU (default 0.1). */
  readonly innerDropout: number;
  /**
   * What the head reads from the encoder (default `cls`, today's behaviour; see {@link CLASSIFIER_POOLINGS} for why
   * `mean` exists). Saved in `config.json` and honoured by the ONNX export.
   */
  readonly pooling: ClassifierPooling;
  /**
   * The wide part (a sparse linear model over the input's unigrams and hashed bigrams, added to the logits; see
   * `wideLogits`), present only when enabled: absent, the head is exactly the deep one. Saved in `config.json` and
   * honoured by the ONNX export.
   */
  readonly wide?: WideHeadConfig;
}

/** The design document's head: [CLS] → Dropout 0.2 → Linear dim→256 → ReLU → Dropout 0.1 → Linear 256→labels. */
export const DEFAULT_HEAD: ClassifierHeadConfig = { hiddenDim: 256, dropout: 0.2, innerDropout: 0.1, pooling: 'cls' };

/**
 * Throws a RangeError listing the allowed values when `pooling` is not one of {@link CLASSIFIER_POOLINGS}: the
 * TypeScript type does not protect callers from JavaScript or from hand-written options.
 *
 * @example
 * ```ts
 * checkPooling(options.head?.pooling ?? 'cls');
 * ```
 */
export function checkPooling(pooling: unknown): asserts pooling is ClassifierPooling {
  if (!CLASSIFIER_POOLINGS.includes(pooling as ClassifierPooling)) {
    throw new RangeError(`head.pooling must be one of ${CLASSIFIER_POOLINGS.join(', ')}; got ${JSON.stringify(pooling)}`);
  }
}

/**
 * The pooled `[batch, dim]` vector the head reads from the encoder's last hidden states `[batch, seq, dim]`.
 * `cls`: position 0. `mean`: Σ mask·hidden / max(Σ mask, 1) over the sequence — padded positions (mask 0) add nothing
 * and are not counted, so a text's vector does not depend on how much its batch pads it, and an all-zero mask row
 * gives zeros instead of NaN. Plain TensorFlow.js ops, differentiable with respect to `hidden` (the mask gets no
 * gradient). The ONNX export builds the same computation (`packages/export`, `buildClassifierModel`).
 *
 * @example
 * ```ts
 * const pooled = poolHiddenStates(encoder.apply(ids, mask), mask, 'mean'); // [batch, dim]
 * ```
 */
export function poolHiddenStates(hidden: tf.Tensor3D, attentionMask: tf.Tensor2D, pooling: ClassifierPooling): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, , dim] = hidden.shape;
    if (pooling === 'cls') return tf.reshape(tf.slice(hidden, [0, 0, 0], [batch, 1, dim]), [batch, dim]);
    const mask = tf.cast(attentionMask, 'float32');
    const summed = tf.sum(tf.mul(hidden, tf.expandDims(mask, 2)), 1) as tf.Tensor2D;
    const count = tf.maximum(tf.sum(mask, 1, true), 1);
    return tf.div(summed, count);
  });
}

/**
 * The head's tensors, named like Hugging Face's `DistilBertForSequenceClassification` (`pre_classifier`,
 * `classifier`), with PyTorch's `[out, in]` weight layout. Pooling has no weights, so it does not change them.
 *
 * @example
 * ```ts
 * headWeightSpecs(768, 6, DEFAULT_HEAD)[0]; // { name: 'pre_classifier.weight', shape: [256, 768] }
 * ```
 */
export function headWeightSpecs(
  dim: number,
  numLabels: number,
  head: Pick<ClassifierHeadConfig, 'hiddenDim'>,
): { name: string; shape: [number] | [number, number] }[] {
  return [
    { name: `${CLASSIFIER_HEAD_TENSORS.hidden}.weight`, shape: [head.hiddenDim, dim] },
    { name: `${CLASSIFIER_HEAD_TENSORS.hidden}.bias`, shape: [head.hiddenDim] },
    { name: `${CLASSIFIER_HEAD_TENSORS.output}.weight`, shape: [numLabels, head.hiddenDim] },
    { name: `${CLASSIFIER_HEAD_TENSORS.output}.bias`, shape: [numLabels] },
  ];
}
