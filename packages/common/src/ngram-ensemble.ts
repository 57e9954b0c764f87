import { z } from 'zod';
import { WIDE_DEFAULT_BUCKETS, WIDE_MAX_BUCKETS, wideBigramHash } from './wide-head';

/*
 * The n-gram ensemble: a logistic regression over the same WordPiece unigrams and hashed bigrams as the wide head,
 * fitted apart from the network once training is over, whose probabilities are averaged with the network's. The wide
 * head, trained jointly, learns what the encoder leaves over; a model fitted apart makes its own errors, and the
 * average of two models that err differently is what scored higher on messages people wrote. `core-model` computes
 * it in TensorFlow.js and `export` in the ONNX graph; the names and the mixing rule below are the one definition both
 * read.
 */

/** `model.safetensors` name of the ensemble's unigram table, `[vocab_size, labels]` float32. */
export const NGRAM_ENSEMBLE_UNIGRAM_TENSOR = 'ngram_ensemble.unigram.weight';

/** `model.safetensors` name of the ensemble's bigram table, `[buckets, labels]` float32. */
export const NGRAM_ENSEMBLE_BIGRAM_TENSOR = 'ngram_ensemble.bigram.weight';

/** `model.safetensors` name of the `words` ensemble's table, `[2 · buckets, labels]` float32: word unigrams, then word bigrams. */
export const NGRAM_ENSEMBLE_WORD_TENSOR = 'ngram_ensemble.word.weight';

/** `model.safetensors` name of the `words` ensemble's idf of each feature, `[2 · buckets]` float32 (0: dropped at fit time). */
export const NGRAM_ENSEMBLE_WORD_IDF_TENSOR = 'ngram_ensemble.word.idf';

/** `model.safetensors` name of the `words` ensemble's code of each vocabulary id, `[vocab]` int32 (see `wordNgramFeatures`). */
export const NGRAM_ENSEMBLE_PIECE_CODES_TENSOR = 'ngram_ensemble.piece.codes';

/** `model.safetensors` name of the `words` ensemble's continuation flag of each vocabulary id (1 for `##…`), `[vocab]` int32. */
export const NGRAM_ENSEMBLE_CONTINUATION_TENSOR = 'ngram_ensemble.piece.continuation';

/** The inverse penalties C a `words` ensemble chooses from on the validation messages (scikit-learn's C). */
export const NGRAM_ENSEMBLE_C_GRID: readonly number[] = [4, 16, 64, 256];

/** `model.safetensors` name of the ensemble's bias, `[labels]` float32. */
export const NGRAM_ENSEMBLE_BIAS_TENSOR = 'ngram_ensemble.bias';

/**
 * The mixed probability is clamped to `[ε, 1 − ε]` before it is turned back into a logit, so that a probability that
 * rounds to 0 or 1 gives a finite logit (±13.9) rather than ±∞. ε = 2⁻²⁰: both ε and 1 − ε are exact in float32, so
 * the float32 graphs and the float64 reference clamp to the same values.
 */
export const NGRAM_ENSEMBLE_PROBABILITY_EPSILON = 2 ** -20;

/**
 * What the n-gram model reads: `wordpieces`, the unigrams and hashed bigrams of the WordPiece ids (the wide part's
 * features, {@link ngramFeatureRow}); `words`, TF-IDF over hashed word unigrams and bigrams (`wordNgramFeatures`,
 * whole words recovered from the pieces), each message's row scaled to unit length.
 */
export const NGRAM_ENSEMBLE_FEATURES = ['wordpieces', 'words'] as const;

/** One of {@link NGRAM_ENSEMBLE_FEATURES}. */
export type NgramEnsembleFeatures = (typeof NGRAM_ENSEMBLE_FEATURES)[number];

/**
 * `model.head.ngramEnsemble` of a training configuration: whether to fit the n-gram model after training, its share
 * of the averaged probability, its features and buckets, and how the logistic regression is fitted.
 *
 * @example
 * ```yaml
 * model:
 *   head:
 *     ngramEnsemble: { enabled: true, weight: 0.5 }
 * ```
 */
export const ngramEnsembleSchema = z
  .object({
    /** Off unless set to true. */
    enabled: z.boolean().default(false),
    /** The n-gram model's share w of the served probability `(1 − w)·p_network + w·p_ngram` (default 0.5). */
    weight: z.number().gt(0).lt(1).default(0.5),
    /** What the n-gram model reads (default `wordpieces`; see {@link NGRAM_ENSEMBLE_FEATURES}). */
    features: z.enum(NGRAM_ENSEMBLE_FEATURES).default('wordpieces'),
    /**
     * Hash buckets (default 2¹⁸, as the wide head): `wordpieces`, rows of the bigram table; `words`, word buckets
     * (unigram and bigram features each get this many rows), at least the vocabulary size.
     */
    buckets: z.number().int().min(1).max(WIDE_MAX_BUCKETS).default(WIDE_DEFAULT_BUCKETS),
    /** `wordpieces`: passes of the logistic regression's SGD over the training messages (default 30). */
    epochs: z.number().int().min(1).max(1000).default(30),
    /** `wordpieces`: L2 penalty of the logistic regression (default 1e-5, the TF-IDF baseline's). */
    l2: z.number().min(0).max(1).default(1e-5),
    /**
     * `words`: scikit-learn's inverse penalty C of the logistic regression, fitted to convergence (L-BFGS). Unset
     * (the default), it is chosen from {@link NGRAM_ENSEMBLE_C_GRID} by the n-gram model's macro-F1 on the validation
     * messages.
     */
    c: z.number().positive().max(1e9).optional(),
  })
  .strict();

/** Parsed {@link ngramEnsembleSchema}. */
export type NgramEnsembleSettings = z.infer<typeof ngramEnsembleSchema>;

/**
 * The ensemble as a model directory records it in `config.json` → `mangaassist_head.ngram_ensemble` (present only
 * when the model has one): the n-gram model's share of the probability, its buckets and its features (`wordpieces`
 * when absent, as in every directory saved before `words` existed).
 */
export const savedNgramEnsembleSchema = z
  .object({
    weight: z.number().gt(0).lt(1),
    buckets: z.number().int().min(1).max(WIDE_MAX_BUCKETS),
    features: z.enum(NGRAM_ENSEMBLE_FEATURES).default('wordpieces'),
  })
  .strict();

/** Parsed {@link savedNgramEnsembleSchema}. */
export type SavedNgramEnsemble = z.infer<typeof savedNgramEnsembleSchema>;

/**
 * The plain-JavaScript reference of the mixing rule, which the TensorFlow.js and ONNX versions are tested against:
 * `logit((1 − w)·σ(network) + w·σ(ngram))`, the probabilities clamped by {@link NGRAM_ENSEMBLE_PROBABILITY_EPSILON}.
 * The result is a logit so that everything downstream (sigmoid in serving, thresholds) is unchanged.
 *
 * @example
 * ```ts
 * ngramEnsembleLogit(2, -2, 0.5); // logit(0.5·0.881 + 0.5·0.119) = 0
 * ```
 */
export function ngramEnsembleLogit(networkLogit: number, ngramLogit: number, weight: number): number {
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  const p = (1 - weight) * sigmoid(networkLogit) + weight * sigmoid(ngramLogit);
  const clamped = Math.min(1 - NGRAM_ENSEMBLE_PROBABILITY_EPSILON, Math.max(NGRAM_ENSEMBLE_PROBABILITY_EPSILON, p));
  return Math.log(clamped) - Math.log(1 - clamped);
}

/** One message's n-gram features: feature indices (ascending) and their values. */
export interface NgramFeatureRow {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/**
 * The features the ensemble's logistic regression reads, exactly those of the wide head's logits: every position
 * whose attention mask is 1 counts its id (feature `id`), every pair of such consecutive positions its bigram bucket
 * (feature `vocabSize + bucket`, see {@link wideBigramHash}), and the counts are divided by √max(n, 1), n the
 * positions counted. A fitted model's weights, split at `vocabSize`, are therefore the unigram and bigram tables that
 * `wideLogits` (TensorFlow.js) and the ONNX graph sum, and the fit sees what the served model computes.
 *
 * @throws RangeError when `inputIds` and `attentionMask` differ in length
 *
 * @example
 * ```ts
 * ngramFeatureRow([101, 2073, 102], [1, 1, 1], 30522, 2 ** 18); // 3 unigrams and 2 bigram buckets, each 1/√3
 * ```
 */
export function ngramFeatureRow(inputIds: ArrayLike<number>, attentionMask: ArrayLike<number>, vocabSize: number, buckets: number): NgramFeatureRow {
  if (inputIds.length !== attentionMask.length) {
    throw new RangeError(`inputIds (${inputIds.length}) and attentionMask (${attentionMask.length}) must have the same length`);
  }
  const counts = new Map<number, number>();
  const add = (feature: number) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
  let positions = 0;
  for (let t = 0; t < inputIds.length; t++) {
    if (attentionMask[t] !== 1) continue;
    positions++;
    add(inputIds[t] as number);
    if (t + 1 < inputIds.length && attentionMask[t + 1] === 1) add(vocabSize + wideBigramHash(inputIds[t] as number, inputIds[t + 1] as number, buckets));
  }
  const scale = 1 / Math.sqrt(Math.max(positions, 1));
  const indices = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  return { indices, values: Float32Array.from(indices, (feature) => (counts.get(feature) as number) * scale) };
}
