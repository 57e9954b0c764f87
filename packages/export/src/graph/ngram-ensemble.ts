import {
  MangaAssistError,
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
import { attr, type OnnxGraphBuilder } from '../onnx-graph-builder';
import type { WeightSource } from '../weight-source';
import { SLICE_TO_END, wideLogitsGraph, type NgramTableNames } from './wide';

/**
 * The n-gram ensemble as the graph needs it (`config.json` → `mangaassist_head.ngram_ensemble`, written by
 * `core-model`): the n-gram model's share `weight` of the served probability, its buckets and its features.
 *
 * - `wordpieces` (the default when `features` is absent): `ngram_ensemble.unigram.weight` `[vocab, labels]` and
 *   `ngram_ensemble.bigram.weight` `[buckets, labels]`, summed as the wide part sums its tables.
 * - `words`: TF-IDF over word uni- and bigrams (see {@link wordNgramLogitsGraph}), from
 *   `ngram_ensemble.word.weight` `[2·buckets, labels]`, `ngram_ensemble.word.idf` `[2·buckets]` and the int32 tables
 *   `ngram_ensemble.piece.codes` and `ngram_ensemble.piece.continuation` `[vocab]`.
 *
 * Both add `ngram_ensemble.bias` `[labels]`. Every float table of `model.safetensors` stays float32 in every graph.
 */
export interface NgramEnsembleGraphOptions {
  readonly weight: number;
  readonly buckets: number;
  /** What the n-gram model reads; absent means `wordpieces`, as in every model saved before `words` existed. */
  readonly features?: NgramEnsembleFeatures;
}

/**
 * The ensemble's tables under `ngram_*` initializer names, apart from the wide part's `wide_*` ones when a head has
 * both.
 */
export const NGRAM_ENSEMBLE_TABLE_NAMES: NgramTableNames = {
  prefix: 'ngram',
  unigramTensor: NGRAM_ENSEMBLE_UNIGRAM_TENSOR,
  bigramTensor: NGRAM_ENSEMBLE_BIGRAM_TENSOR,
};

// ONNX TensorProto data types, for Cast.
const FLOAT = 1;
const INT64 = 7;

/**
 * The served logits of a model with an n-gram ensemble, float32 `[batch, labels]`, as `core-model`'s
 * `mixNgramEnsemble` computes them: `logit((1 − w)·σ(networkLogits) + w·σ(z))`, where `z` is the n-gram model's
 * logits (`wordpieces`: {@link wideLogitsGraph} over the ensemble's tables, bigrams always on, plus its bias;
 * `words`: {@link wordNgramLogitsGraph}), and the mixed probability is clipped to `[ε, 1 − ε]`
 * (ε = `NGRAM_ENSEMBLE_PROBABILITY_EPSILON`, exact in float32) before `Log(p) − Log(1 − p)`. The result stays a logit,
 * so serving and transformers.js (which apply a sigmoid) need nothing new; like the wide part it reads only
 * `input_ids` and `attention_mask`, so padding changes nothing.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming the tensor when one is missing, has another shape or dtype, or
 *   (`words`) holds a value outside its range
 *
 * @example
 * ```ts
 * const served = ngramEnsembleGraph(g, weights, logits, 'input_ids', 'attention_mask', dims.vocabSize, 6, { weight: 0.5, buckets: 262144 });
 * ```
 */
export function ngramEnsembleGraph(
  g: OnnxGraphBuilder,
  weights: WeightSource,
  networkLogits: string,
  inputIds: string,
  attentionMask: string,
  vocabSize: number,
  numLabels: number,
  ensemble: NgramEnsembleGraphOptions,
): string {
  const { prefix } = NGRAM_ENSEMBLE_TABLE_NAMES;
  let ngramLogits: string;
  if ((ensemble.features ?? 'wordpieces') === 'words') {
    ngramLogits = wordNgramLogitsGraph(g, weights, inputIds, attentionMask, vocabSize, numLabels, ensemble.buckets);
  } else {
    // The graph of the first ensembles, node for node, so that their exports stay byte-identical.
    const bag = wideLogitsGraph(g, weights, inputIds, attentionMask, vocabSize, numLabels, { buckets: ensemble.buckets, bigrams: true }, NGRAM_ENSEMBLE_TABLE_NAMES);
    const bias = g.initializer(`${prefix}_bias`, [numLabels], weights.get(NGRAM_ENSEMBLE_BIAS_TENSOR, [numLabels], false));
    ngramLogits = g.op('Add', [bag, bias]);
  }
  const mixed = g.op('Add', [
    g.op('Mul', [g.op('Sigmoid', [networkLogits]), g.scalar(`${prefix}_network_share`, 1 - ensemble.weight)]),
    g.op('Mul', [g.op('Sigmoid', [ngramLogits]), g.scalar(`${prefix}_share`, ensemble.weight)]),
  ]);
  const epsilon = NGRAM_ENSEMBLE_PROBABILITY_EPSILON;
  const p = g.op('Clip', [mixed, g.scalar(`${prefix}_min_probability`, epsilon), g.scalar(`${prefix}_max_probability`, 1 - epsilon)]);
  return g.op('Sub', [g.op('Log', [p]), g.op('Log', [g.op('Sub', [g.scalar(`${prefix}_one`, 1), p])])]);
}

/**
 * The `words` n-gram model's logits, float32 `[batch, labels]`, from `input_ids` and `attention_mask` (int64
 * `[batch, seq]`) alone, with opset-17 standard operators: what `wordNgramLogits` of `@mangaassist/common` (the
 * reference) computes for each row.
 *
 * 1. Words: with `cont` and `code` the continuation flag and code of each id (Gather from int64 copies of the int32
 *    tables), times the mask, a real position starts a word unless it is a continuation piece, the first real
 *    position always: `start = mask·(1 − cont·(1 − first))`. `wordIndex = CumSum(start) − 1` numbers the words.
 * 2. Word buckets: `H[b, k] = Σ_t [wordIndex[b, t] = k]·code[b, t]` (int64, a `[batch, seq, seq]` one-hot against
 *    `Range(seq)`), `u = H mod buckets`; word `k` exists when `k < Σ start`.
 * 3. Features `F = [u, buckets + (u[:, :-1]·509 + u[:, 1:]) mod buckets]` (`[batch, 2·seq − 1]`) with validity
 *    `V = [k < words, k + 1 < words]`; occurrences are kept, so a repeated word counts twice.
 * 4. TF-IDF: with `a_i = idf[F_i]·V_i`, `logits = bias + Σ_i a_i·table[F_i] / max(√(Σ_ij [F_i = F_j]·a_i·a_j), tiny)`,
 *    the dot product of the table with the unit-length row of count·idf (0 for a row without a feature of non-zero
 *    idf, which gets the bias).
 *
 * Padding (mask 0, anywhere in the row) contributes no word, no code and no feature, so a row's logits do not depend
 * on the batch's padding. The intermediates are `[batch, seq, seq]` and `[batch, 2·seq, 2·seq]`: quadratic in the
 * sequence length: about 8 million elements for a batch of 8 at 512 tokens.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming the tensor when one is missing or has another shape or dtype,
 *   when a continuation flag is not 0 or 1, or when a code is outside `[0, buckets)`
 *
 * @example
 * ```ts
 * const z = wordNgramLogitsGraph(g, weights, 'input_ids', 'attention_mask', dims.vocabSize, 6, 262144); // [batch, 6]
 * ```
 */
export function wordNgramLogitsGraph(
  g: OnnxGraphBuilder,
  weights: WeightSource,
  inputIds: string,
  attentionMask: string,
  vocabSize: number,
  numLabels: number,
  buckets: number,
): string {
  const { prefix } = NGRAM_ENSEMBLE_TABLE_NAMES;
  const codesData = weights.getInt32(NGRAM_ENSEMBLE_PIECE_CODES_TENSOR, [vocabSize], false);
  const continuationData = weights.getInt32(NGRAM_ENSEMBLE_CONTINUATION_TENSOR, [vocabSize], false);
  // Out-of-range values would not fail in the graph, they would silently give other words and buckets.
  const fault = wordPieceTablesFault({ continuation: continuationData, codes: codesData, buckets });
  if (fault) {
    const [tensor, rule] =
      fault.table === 'codes'
        ? [NGRAM_ENSEMBLE_PIECE_CODES_TENSOR, `a code must be in [0, ${buckets}) (the word buckets)`]
        : [NGRAM_ENSEMBLE_CONTINUATION_TENSOR, 'a continuation flag must be 0 or 1'];
    throw new MangaAssistError('CHECKPOINT_INVALID', `${weights.file}: tensor "${tensor}" holds ${fault.value} at id ${fault.id}; ${rule}`, { file: weights.file, tensor });
  }
  const features = 2 * buckets;
  const table = g.initializer(`${prefix}_word`, [features, numLabels], weights.get(NGRAM_ENSEMBLE_WORD_TENSOR, [features, numLabels], false));
  const idf = g.initializer(`${prefix}_word_idf`, [features], weights.get(NGRAM_ENSEMBLE_WORD_IDF_TENSOR, [features], false));
  const codes = g.initializer(`${prefix}_piece_codes`, [vocabSize], BigInt64Array.from(codesData, (v) => BigInt(v)));
  const continuation = g.initializer(`${prefix}_piece_continuation`, [vocabSize], BigInt64Array.from(continuationData, (v) => BigInt(v)));
  const bias = g.initializer(`${prefix}_bias`, [numLabels], weights.get(NGRAM_ENSEMBLE_BIAS_TENSOR, [numLabels], false));

  const int64Scalar = (hint: string, value: number) => g.initializer(hint, [], BigInt64Array.of(BigInt(value)));
  const zero = int64Scalar(`${prefix}_int_zero`, 0);
  const one = int64Scalar(`${prefix}_int_one`, 1);
  const modulus = int64Scalar(`${prefix}_word_buckets`, buckets);
  const cumsumAxis = int64Scalar(`${prefix}_cumsum_axis`, 1);
  const sequenceAxis = g.int64s(`${prefix}_sequence_axis`, [1]);
  const innerAxis = g.int64s(`${prefix}_inner_axis`, [2]);
  const sliceStart = g.int64s(`${prefix}_slice_start`, [0]);
  const sliceSecond = g.int64s(`${prefix}_slice_second`, [1]);
  const sliceLast = g.int64s(`${prefix}_slice_last`, [-1]);
  const sliceEnd = g.int64s(`${prefix}_slice_end`, [SLICE_TO_END]);
  const gather = (from: string, indices: string) => g.op('Gather', [from, indices], { attributes: { axis: attr.int(0) } });
  const cast = (x: string, to: number) => g.op('Cast', [x], { attributes: { to: attr.int(to) } });
  const unsqueeze = (x: string, axis: string) => g.op('Unsqueeze', [x, axis]);
  const reduceSum = (x: string, axes: string, keepdims: boolean) => g.op('ReduceSum', [x, axes], { attributes: { keepdims: attr.int(keepdims ? 1 : 0) } });
  // Along the sequence axis: all but the last position, and all but the first.
  const allButLast = (x: string) => g.op('Slice', [x, sliceStart, sliceLast, sequenceAxis]);
  const allButFirst = (x: string) => g.op('Slice', [x, sliceSecond, sliceEnd, sequenceAxis]);

  // 1. Where the words start, and which word each position belongs to (−1 before the first real position).
  const mask = attentionMask;
  const isContinuation = g.op('Mul', [gather(continuation, inputIds), mask]);
  const code = g.op('Mul', [gather(codes, inputIds), mask]);
  const first = g.op('Mul', [mask, cast(g.op('Equal', [g.op('CumSum', [mask, cumsumAxis]), one]), INT64)]);
  const start = g.op('Mul', [mask, g.op('Sub', [one, g.op('Mul', [isContinuation, g.op('Sub', [one, first])])])]);
  const wordIndex = g.op('Sub', [g.op('CumSum', [start, cumsumAxis]), one]);

  // 2. Each word's bucket: the sum of its pieces' codes, gathered into word slot k by a one-hot over positions.
  const positions = g.op('Range', [zero, gather(g.op('Shape', [inputIds]), one), one]);
  const oneHot = cast(g.op('Equal', [unsqueeze(wordIndex, innerAxis), positions]), INT64);
  const wordSums = reduceSum(g.op('Mul', [oneHot, unsqueeze(code, innerAxis)]), sequenceAxis, false);
  const wordCount = reduceSum(start, sequenceAxis, true);
  const unigrams = g.op('Mod', [wordSums, modulus]);
  const isWord = cast(g.op('Less', [positions, wordCount]), FLOAT);

  // 3. The features, unigrams then bigrams; a pair of slots is a bigram when its second slot holds a word.
  const multiplier = int64Scalar(`${prefix}_word_bigram_multiplier`, WORD_BIGRAM_MULTIPLIER);
  const pairs = g.op('Mod', [g.op('Add', [g.op('Mul', [allButLast(unigrams), multiplier]), allButFirst(unigrams)]), modulus]);
  const bigrams = g.op('Add', [pairs, modulus]);
  const featureIndex = g.op('Concat', [unigrams, bigrams], { attributes: { axis: attr.int(1) } });
  const valid = g.op('Concat', [isWord, allButFirst(isWord)], { attributes: { axis: attr.int(1) } });

  // 4. TF-IDF: Σ idf·table over the occurrences, over the norm of the count·idf row.
  const weighted = g.op('Mul', [gather(idf, featureIndex), valid]);
  const numerator = reduceSum(g.op('Mul', [gather(table, featureIndex), unsqueeze(weighted, innerAxis)]), sequenceAxis, false);
  const same = cast(g.op('Equal', [unsqueeze(featureIndex, innerAxis), unsqueeze(featureIndex, sequenceAxis)]), FLOAT);
  const sameWeighted = reduceSum(g.op('Mul', [same, unsqueeze(weighted, sequenceAxis)]), innerAxis, false);
  const squaredNorm = reduceSum(g.op('Mul', [sameWeighted, weighted]), sequenceAxis, true);
  const norm = g.op('Max', [g.op('Sqrt', [squaredNorm]), g.scalar(`${prefix}_min_norm`, WORD_TFIDF_MIN_NORM)]);
  return g.op('Add', [g.op('Div', [numerator, norm]), bias]);
}
