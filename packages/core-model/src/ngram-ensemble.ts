import * as tf from '@tensorflow/tfjs-core';
import {
  NGRAM_ENSEMBLE_BIAS_TENSOR,
  NGRAM_ENSEMBLE_BIGRAM_TENSOR,
  NGRAM_ENSEMBLE_PROBABILITY_EPSILON,
  NGRAM_ENSEMBLE_UNIGRAM_TENSOR,
  type SavedNgramEnsemble,
} from '@mangaassist/common';
import { wideLogits } from './wide-head';

/**
 * The n-gram ensemble's weights as a model directory stores them (float32): the unigram table `[vocab, labels]`, the
 * bigram table `[buckets, labels]` and the bias `[labels]`, with its share of the probability and its buckets.
 *
 * @example
 * ```ts
 * const ensemble: NgramEnsembleWeights = { weight: 0.5, buckets: 4099, unigram, bigram, bias };
 * ```
 */
export interface NgramEnsembleWeights extends SavedNgramEnsemble {
  readonly unigram: Float32Array;
  readonly bigram: Float32Array;
  readonly bias: Float32Array;
}

/**
 * Names and shapes of the ensemble's tensors in `model.safetensors`.
 *
 * @example
 * ```ts
 * ngramEnsembleTensorSpecs(30522, 6, 2 ** 18).map((s) => s.name);
 * // ['ngram_ensemble.unigram.weight', 'ngram_ensemble.bigram.weight', 'ngram_ensemble.bias']
 * ```
 */
export function ngramEnsembleTensorSpecs(vocabSize: number, numLabels: number, buckets: number): { name: string; shape: number[] }[] {
  return [
    { name: NGRAM_ENSEMBLE_UNIGRAM_TENSOR, shape: [vocabSize, numLabels] },
    { name: NGRAM_ENSEMBLE_BIGRAM_TENSOR, shape: [buckets, numLabels] },
    { name: NGRAM_ENSEMBLE_BIAS_TENSOR, shape: [numLabels] },
  ];
}

/** The ensemble as TensorFlow.js tensors (constants: the trainer never updates them). */
export interface NgramEnsembleTensors {
  readonly weight: number;
  readonly buckets: number;
  readonly unigram: tf.Tensor2D;
  readonly bigram: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
}

/**
 * Checks the shapes of `weights` against the model and makes its tensors (the caller disposes them).
 *
 * @throws RangeError naming the tensor when a table has another size
 */
export function ngramEnsembleTensors(weights: NgramEnsembleWeights, vocabSize: number, numLabels: number): NgramEnsembleTensors {
  const arrays = [weights.unigram, weights.bigram, weights.bias];
  ngramEnsembleTensorSpecs(vocabSize, numLabels, weights.buckets).forEach((spec, i) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (arrays[i]!.length !== size) throw new RangeError(`n-gram ensemble tensor "${spec.name}" must have ${size} values for [${spec.shape}], got ${arrays[i]!.length}`);
  });
  return {
    weight: weights.weight,
    buckets: weights.buckets,
    unigram: tf.tensor2d(weights.unigram, [vocabSize, numLabels]),
    bigram: tf.tensor2d(weights.bigram, [weights.buckets, numLabels]),
    bias: tf.tensor1d(weights.bias),
  };
}

/**
 * The served logits of a model with an n-gram ensemble, `[batch, labels]`:
 * `logit((1 − w)·σ(networkLogits) + w·σ(z))` with `z` the ensemble's logits (`wideLogits` over its tables, plus its
 * bias) and the mixed probability clamped to `[ε, 1 − ε]` (`ngramEnsembleLogit` of `@mangaassist/common` is the
 * plain-JavaScript reference). Padding changes nothing, as in `wideLogits`.
 *
 * @example
 * ```ts
 * const served = mixNgramEnsemble(logits, ids, mask, ensemble);
 * ```
 */
export function mixNgramEnsemble(networkLogits: tf.Tensor2D, inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, ensemble: NgramEnsembleTensors): tf.Tensor2D {
  return tf.tidy(() => {
    const tables = { unigram: ensemble.unigram, bigram: ensemble.bigram };
    const ngramLogits = tf.add(wideLogits(inputIds, attentionMask, tables, { buckets: ensemble.buckets, bigrams: true }), ensemble.bias);
    const mixed = tf.add(tf.mul(tf.sigmoid(networkLogits), 1 - ensemble.weight), tf.mul(tf.sigmoid(ngramLogits), ensemble.weight));
    const p = tf.clipByValue(mixed, NGRAM_ENSEMBLE_PROBABILITY_EPSILON, 1 - NGRAM_ENSEMBLE_PROBABILITY_EPSILON);
    return tf.sub(tf.log(p), tf.log(tf.sub(1, p))) as tf.Tensor2D;
  });
}
