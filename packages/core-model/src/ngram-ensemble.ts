import * as tf from '@tensorflow/tfjs-core';
import {
  NGRAM_ENSEMBLE_BIAS_TENSOR,
  NGRAM_ENSEMBLE_BIGRAM_TENSOR,
  NGRAM_ENSEMBLE_CONTINUATION_TENSOR,
  NGRAM_ENSEMBLE_PIECE_CODES_TENSOR,
  NGRAM_ENSEMBLE_PROBABILITY_EPSILON,
  NGRAM_ENSEMBLE_UNIGRAM_TENSOR,
  NGRAM_ENSEMBLE_WORD_IDF_TENSOR,
  NGRAM_ENSEMBLE_WORD_TENSOR,
  WORD_BIGRAM_MULTIPLIER,
  WORD_TFIDF_MIN_NORM,
  wordPieceTablesFault,
  type NgramEnsembleFeatures,
} from '@mangaassist/common';
import { wideLogits } from './wide-head';

/**
 * The `wordpieces` n-gram ensemble's weights as a model directory stores them (float32): the unigram table
 * `[vocab, labels]`, the bigram table `[buckets, labels]` and the bias `[labels]`, with its share of the probability
 * and its buckets. `features` may be left out: every ensemble made before `words` existed is of this kind.
 *
 * @example
 * ```ts
 * const ensemble: WordpieceNgramEnsembleWeights = { weight: 0.5, buckets: 4099, unigram, bigram, bias };
 * ```
 */
export interface WordpieceNgramEnsembleWeights {
  readonly weight: number;
  readonly buckets: number;
  readonly features?: 'wordpieces';
  readonly unigram: Float32Array;
  readonly bigram: Float32Array;
  readonly bias: Float32Array;
}

/**
 * The `words` n-gram ensemble's weights as a model directory stores them: the table `[2 · buckets, labels]` (word
 * unigrams, then word bigrams) and the idf `[2 · buckets]` float32, each vocabulary id's code and continuation flag
 * `[vocab]` int32 (see `wordNgramFeatures` of `@mangaassist/common`), and the bias `[labels]` float32.
 *
 * @example
 * ```ts
 * const codes = wordPieceCodes(vocab.length, buckets, 0);
 * const continuation = continuationFlags(vocab);
 * const ensemble: WordNgramEnsembleWeights = { features: 'words', weight: 0.5, buckets, table, idf, codes, continuation, bias };
 * ```
 */
export interface WordNgramEnsembleWeights {
  readonly weight: number;
  readonly buckets: number;
  readonly features: 'words';
  readonly table: Float32Array;
  readonly idf: Float32Array;
  readonly codes: Int32Array;
  readonly continuation: Int32Array;
  readonly bias: Float32Array;
}

/**
 * The n-gram ensemble's weights of either kind, told apart by `features` (absent: `wordpieces`).
 *
 * @example
 * ```ts
 * const kind = weights.features ?? 'wordpieces';
 * ```
 */
export type NgramEnsembleWeights = WordpieceNgramEnsembleWeights | WordNgramEnsembleWeights;

/** The weights' arrays by name: the field of {@link NgramEnsembleWeights} each tensor of the ensemble fills. */
export type NgramEnsembleField = 'unigram' | 'bigram' | 'table' | 'idf' | 'codes' | 'continuation' | 'bias';

/** One tensor of the ensemble in `model.safetensors`: its name, shape, dtype and the weights' field it fills. */
export interface NgramEnsembleTensorSpec {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
  readonly field: NgramEnsembleField;
}

/**
 * Names, shapes and dtypes of the ensemble's tensors in `model.safetensors`, for `features` (default `wordpieces`):
 * `wordpieces`, the unigram `[vocab, labels]` and bigram `[buckets, labels]` tables; `words`, the table
 * `[2 · buckets, labels]`, the idf `[2 · buckets]`, and the codes and continuation flags `[vocab]` int32; both end
 * with the bias `[labels]`.
 *
 * @example
 * ```ts
 * ngramEnsembleTensorSpecs(30522, 6, 2 ** 18).map((s) => s.name);
 * // ['ngram_ensemble.unigram.weight', 'ngram_ensemble.bigram.weight', 'ngram_ensemble.bias']
 * ngramEnsembleTensorSpecs(30522, 6, 2 ** 18, 'words').filter((s) => s.dtype === 'int32').map((s) => s.name);
 * // ['ngram_ensemble.piece.codes', 'ngram_ensemble.piece.continuation']
 * ```
 */
export function ngramEnsembleTensorSpecs(
  vocabSize: number,
  numLabels: number,
  buckets: number,
  features: NgramEnsembleFeatures = 'wordpieces',
): NgramEnsembleTensorSpec[] {
  const bias: NgramEnsembleTensorSpec = { name: NGRAM_ENSEMBLE_BIAS_TENSOR, shape: [numLabels], dtype: 'float32', field: 'bias' };
  if (features === 'words') {
    return [
      { name: NGRAM_ENSEMBLE_WORD_TENSOR, shape: [2 * buckets, numLabels], dtype: 'float32', field: 'table' },
      { name: NGRAM_ENSEMBLE_WORD_IDF_TENSOR, shape: [2 * buckets], dtype: 'float32', field: 'idf' },
      { name: NGRAM_ENSEMBLE_PIECE_CODES_TENSOR, shape: [vocabSize], dtype: 'int32', field: 'codes' },
      { name: NGRAM_ENSEMBLE_CONTINUATION_TENSOR, shape: [vocabSize], dtype: 'int32', field: 'continuation' },
      bias,
    ];
  }
  return [
    { name: NGRAM_ENSEMBLE_UNIGRAM_TENSOR, shape: [vocabSize, numLabels], dtype: 'float32', field: 'unigram' },
    { name: NGRAM_ENSEMBLE_BIGRAM_TENSOR, shape: [buckets, numLabels], dtype: 'float32', field: 'bigram' },
    bias,
  ];
}

/** The `wordpieces` ensemble as TensorFlow.js tensors (constants: the trainer never updates them). */
export interface WordpieceNgramEnsembleTensors {
  readonly weight: number;
  readonly buckets: number;
  readonly features: 'wordpieces';
  readonly unigram: tf.Tensor2D;
  readonly bigram: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
}

/** The `words` ensemble as TensorFlow.js tensors (constants); `codes` and `continuation` are int32. */
export interface WordNgramEnsembleTensors {
  readonly weight: number;
  readonly buckets: number;
  readonly features: 'words';
  readonly table: tf.Tensor2D;
  readonly idf: tf.Tensor1D;
  readonly codes: tf.Tensor1D;
  readonly continuation: tf.Tensor1D;
  readonly bias: tf.Tensor1D;
}

/** The ensemble of either kind as TensorFlow.js tensors, told apart by `features`. */
export type NgramEnsembleTensors = WordpieceNgramEnsembleTensors | WordNgramEnsembleTensors;

/** What is wrong with an ensemble's weights: the tensor and a sentence naming it. */
export interface NgramEnsembleProblem {
  readonly tensor: string;
  readonly message: string;
}

/**
 * The first thing wrong with `weights` for a model of `vocabSize` ids and `numLabels` labels, or `undefined`: an array
 * of another size or type than {@link ngramEnsembleTensorSpecs} gives, a `words` code outside [0, buckets) or a
 * continuation flag other than 0 and 1. A code outside would put a word in another word's bucket, and the int32 sums
 * of {@link wordNgramEnsembleLogits} rely on the bound. The loader reports the problem as a checkpoint error; a
 * caller that sets an ensemble gets it as a RangeError from {@link ngramEnsembleTensors}.
 *
 * @example
 * ```ts
 * const problem = ngramEnsembleWeightsProblem(weights, 30522, 6);
 * if (problem) throw new Error(`${file}: ${problem.message}`);
 * ```
 */
export function ngramEnsembleWeightsProblem(weights: NgramEnsembleWeights, vocabSize: number, numLabels: number): NgramEnsembleProblem | undefined {
  const arrays = weights as unknown as Readonly<Record<NgramEnsembleField, Float32Array | Int32Array | undefined>>;
  for (const spec of ngramEnsembleTensorSpecs(vocabSize, numLabels, weights.buckets, weights.features ?? 'wordpieces')) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const array = arrays[spec.field];
    const where = `n-gram ensemble tensor "${spec.name}"`;
    if (array?.length !== size) return { tensor: spec.name, message: `${where} must have ${size} values for [${spec.shape}], got ${array?.length}` };
    const wanted = spec.dtype === 'int32' ? Int32Array : Float32Array;
    if (!(array instanceof wanted)) return { tensor: spec.name, message: `${where} must be ${spec.dtype} (${wanted.name})` };
  }
  if (weights.features !== 'words') return undefined;
  const fault = wordPieceTablesFault(weights);
  if (fault?.table === 'codes') {
    const message = `n-gram ensemble tensor "${NGRAM_ENSEMBLE_PIECE_CODES_TENSOR}" must hold codes in [0, ${weights.buckets}); id ${fault.id} has ${fault.value}`;
    return { tensor: NGRAM_ENSEMBLE_PIECE_CODES_TENSOR, message };
  }
  if (fault) {
    const message = `n-gram ensemble tensor "${NGRAM_ENSEMBLE_CONTINUATION_TENSOR}" must hold 0 or 1; id ${fault.id} has ${fault.value}`;
    return { tensor: NGRAM_ENSEMBLE_CONTINUATION_TENSOR, message };
  }
  return undefined;
}

/**
 * Checks `weights` against the model ({@link ngramEnsembleWeightsProblem}) and makes its tensors (the caller disposes
 * them, e.g. through {@link namedNgramEnsembleTensors}); a `words` ensemble's codes and continuation flags are int32.
 *
 * @throws RangeError naming the tensor when a table has another size or type, a code is outside [0, buckets) or a
 *   continuation flag is not 0 or 1
 *
 * @example
 * ```ts
 * const tensors = ngramEnsembleTensors(weights, tokenizerVocabSize, labels.length);
 * ```
 */
export function ngramEnsembleTensors(weights: WordpieceNgramEnsembleWeights, vocabSize: number, numLabels: number): WordpieceNgramEnsembleTensors;
export function ngramEnsembleTensors(weights: WordNgramEnsembleWeights, vocabSize: number, numLabels: number): WordNgramEnsembleTensors;
export function ngramEnsembleTensors(weights: NgramEnsembleWeights, vocabSize: number, numLabels: number): NgramEnsembleTensors;
export function ngramEnsembleTensors(weights: NgramEnsembleWeights, vocabSize: number, numLabels: number): NgramEnsembleTensors {
  const problem = ngramEnsembleWeightsProblem(weights, vocabSize, numLabels);
  if (problem) throw new RangeError(problem.message);
  if (weights.features !== 'words') {
    return {
      weight: weights.weight,
      buckets: weights.buckets,
      features: 'wordpieces',
      unigram: tf.tensor2d(weights.unigram, [vocabSize, numLabels]),
      bigram: tf.tensor2d(weights.bigram, [weights.buckets, numLabels]),
      bias: tf.tensor1d(weights.bias),
    };
  }
  return {
    weight: weights.weight,
    buckets: weights.buckets,
    features: 'words',
    table: tf.tensor2d(weights.table, [2 * weights.buckets, numLabels]),
    idf: tf.tensor1d(weights.idf),
    codes: tf.tensor1d(weights.codes, 'int32'),
    continuation: tf.tensor1d(weights.continuation, 'int32'),
    bias: tf.tensor1d(weights.bias),
  };
}

/**
 * The ensemble's tensors by their `model.safetensors` name, in {@link ngramEnsembleTensorSpecs}' order (codes and
 * continuation flags stay int32), for saving and disposing.
 *
 * @example
 * ```ts
 * tf.dispose([...namedNgramEnsembleTensors(tensors).values()]);
 * ```
 */
export function namedNgramEnsembleTensors(ensemble: NgramEnsembleTensors): Map<string, tf.Tensor> {
  if (ensemble.features === 'words') {
    return new Map<string, tf.Tensor>([
      [NGRAM_ENSEMBLE_WORD_TENSOR, ensemble.table],
      [NGRAM_ENSEMBLE_WORD_IDF_TENSOR, ensemble.idf],
      [NGRAM_ENSEMBLE_PIECE_CODES_TENSOR, ensemble.codes],
      [NGRAM_ENSEMBLE_CONTINUATION_TENSOR, ensemble.continuation],
      [NGRAM_ENSEMBLE_BIAS_TENSOR, ensemble.bias],
    ]);
  }
  return new Map<string, tf.Tensor>([
    [NGRAM_ENSEMBLE_UNIGRAM_TENSOR, ensemble.unigram],
    [NGRAM_ENSEMBLE_BIGRAM_TENSOR, ensemble.bigram],
    [NGRAM_ENSEMBLE_BIAS_TENSOR, ensemble.bias],
  ]);
}

/**
 * The `words` n-gram model's logits `[batch, labels]` for int32 `inputIds` and `attentionMask` `[batch, seq]`: what
 * `wordNgramLogits` of `@mangaassist/common` computes for each row, `bias + Σ_i idf[f_i]·table[f_i] / ‖tf-idf‖` over
 * the word unigram and bigram features f_i of the row's real positions. A row without a feature of non-zero idf
 * (only padding, say) gets the bias. Padding anywhere changes nothing: masked positions are left out before words
 * are formed, as the reference skips them.
 *
 * The words are found without a loop: a real position starts a word when it is no continuation piece or is the first
 * real one, the running count of starts numbers the words, and a one-hot of those numbers sums each word's codes.
 * Bucket arithmetic stays in int32 and is exact: a word's code sum is below seq · buckets, inside int32 for up to 512
 * positions and 2²² buckets, and the bigram hash below 2³¹ (see `WORD_BIGRAM_MULTIPLIER`). Duplicate features (a
 * repeated word or bigram, or a hash collision) are counted as the reference counts them: the row's norm sums
 * idf_i·idf_j over every pair of occurrences of the same feature.
 *
 * @example
 * ```ts
 * const z = wordNgramEnsembleLogits(ids, mask, ngramEnsembleTensors(wordsWeights, vocabSize, labels.length));
 * ```
 */
export function wordNgramEnsembleLogits(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, ensemble: WordNgramEnsembleTensors): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, seq] = inputIds.shape;
    const labels = ensemble.table.shape[1];
    if (seq === 0) return tf.add(tf.zeros([batch, labels]), ensemble.bias) as tf.Tensor2D;
    // A plain number would make each op float32 (TensorFlow.js reads numbers as float32 and upcasts), and the bucket
    // arithmetic leaves float32's exact integers; int32 scalars keep it exact.
    const int = (value: number) => tf.scalar(value, 'int32');
    const one = int(1);
    const buckets = int(ensemble.buckets);
    const mask = tf.cast(attentionMask, 'int32');
    // Padding may hold any id: reading it as id 0 keeps the gathers in range, and the mask zeroes what they return.
    const ids = tf.mul(inputIds.dtype === 'int32' ? inputIds : tf.cast(inputIds, 'int32'), mask);
    const continuation = tf.mul(tf.gather(ensemble.continuation, ids), mask);
    const code = tf.mul(tf.gather(ensemble.codes, ids), mask);
    const firstReal = tf.mul(mask, tf.cast(tf.equal(tf.cumsum(mask, 1), one), 'int32'));
    const start = tf.mul(mask, tf.maximum(tf.sub(one, continuation), firstReal));
    const wordIndex = tf.sub(tf.cumsum(start, 1), one);
    // oneHot[b, t, k]: real position t belongs to word k (at most seq words).
    const words = tf.range(0, seq, 1, 'int32');
    const oneHot = tf.mul(tf.cast(tf.equal(tf.expandDims(wordIndex, 2), tf.reshape(words, [1, 1, seq])), 'int32'), tf.expandDims(mask, 2));
    const sums = tf.sum(tf.mul(oneHot, tf.expandDims(code, 2)), 1);
    const wordCount = tf.sum(start, 1, true);
    const unigrams = tf.mod(sums, buckets);
    const featureParts: tf.Tensor[] = [unigrams];
    const validParts: tf.Tensor[] = [tf.less(tf.expandDims(words, 0), wordCount)];
    if (seq > 1) {
      const first = tf.slice(unigrams, [0, 0], [batch, seq - 1]);
      const second = tf.slice(unigrams, [0, 1], [batch, seq - 1]);
      featureParts.push(tf.add(tf.mod(tf.add(tf.mul(first, int(WORD_BIGRAM_MULTIPLIER)), second), buckets), buckets));
      validParts.push(tf.less(tf.expandDims(tf.slice(words, [0], [seq - 1]), 0), tf.sub(wordCount, one)));
    }
    // Features [batch, 2·seq − 1]: word slots past the row's words hold bucket 0 and are zeroed by `valid`.
    const features = tf.concat(featureParts, 1) as tf.Tensor2D;
    const valid = tf.cast(tf.concat(validParts, 1), 'float32');
    const slots = features.shape[1];
    const idf = tf.mul(tf.reshape(tf.gather(ensemble.idf, tf.reshape(features, [batch * slots])), [batch, slots]), valid);
    const rows = tf.reshape(tf.gather(ensemble.table, tf.reshape(features, [batch * slots])), [batch, slots, labels]);
    const numerator = tf.sum(tf.mul(rows, tf.expandDims(idf, 2)), 1);
    // ‖Σ_f count_f·idf_f‖² = Σ over pairs of occurrences of the same feature of idf_i·idf_j (invalid slots carry 0).
    const same = tf.cast(tf.equal(tf.expandDims(features, 2), tf.expandDims(features, 1)), 'float32');
    const squaredNorm = tf.sum(tf.mul(same, tf.mul(tf.expandDims(idf, 2), tf.expandDims(idf, 1))), [1, 2]);
    // A row without features has a zero numerator too: the tiny floor turns 0/0 into 0, leaving the bias.
    const norm = tf.maximum(tf.sqrt(squaredNorm), WORD_TFIDF_MIN_NORM);
    return tf.add(tf.div(numerator, tf.expandDims(norm, 1)), ensemble.bias) as tf.Tensor2D;
  });
}

/**
 * The served logits of a model with an n-gram ensemble, `[batch, labels]`:
 * `logit((1 − w)·σ(networkLogits) + w·σ(z))` with `z` the ensemble's logits and the mixed probability clamped to
 * `[ε, 1 − ε]` (`ngramEnsembleLogit` of `@mangaassist/common` is the plain-JavaScript reference). `z` is, for
 * `wordpieces`, `wideLogits` over its tables plus its bias, and for `words` {@link wordNgramEnsembleLogits}. Padding
 * changes nothing either way.
 *
 * @example
 * ```ts
 * const served = mixNgramEnsemble(logits, ids, mask, ensemble);
 * ```
 */
export function mixNgramEnsemble(networkLogits: tf.Tensor2D, inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, ensemble: NgramEnsembleTensors): tf.Tensor2D {
  return tf.tidy(() => {
    const ngramLogits =
      ensemble.features === 'words'
        ? wordNgramEnsembleLogits(inputIds, attentionMask, ensemble)
        : tf.add(
            wideLogits(inputIds, attentionMask, { unigram: ensemble.unigram, bigram: ensemble.bigram }, { buckets: ensemble.buckets, bigrams: true }),
            ensemble.bias,
          );
    const mixed = tf.add(tf.mul(tf.sigmoid(networkLogits), 1 - ensemble.weight), tf.mul(tf.sigmoid(ngramLogits), ensemble.weight));
    const p = tf.clipByValue(mixed, NGRAM_ENSEMBLE_PROBABILITY_EPSILON, 1 - NGRAM_ENSEMBLE_PROBABILITY_EPSILON);
    return tf.sub(tf.log(p), tf.log(tf.sub(1, p))) as tf.Tensor2D;
  });
}
