import { createRng } from './prng';
import { WIDE_MAX_BUCKETS } from './wide-head';

/*
 * Word n-grams read from WordPiece ids, for the n-gram ensemble's `words` features. A word is a piece that is not a
 * continuation (`##…`) followed by the continuation pieces after it, so the words are those of BERT's pre-tokeniser
 * ("unacceptable", "!", "[CLS]"), recovered from the ids the encoder already receives. Whole words scored higher on
 * messages people wrote than the pieces they split into: a piece such as `##able` says little on its own.
 *
 * A word's bucket is the sum of its pieces' codes modulo the buckets, each vocabulary id having its own code in
 * [0, buckets): a word of one piece (most words) never shares a bucket with another such word, and longer words
 * collide at the rate of a random hash. The sum keeps every step inside int32 for words of up to 100 pieces (WordPiece
 * reads a longer word as [UNK]) and 2²² buckets, so TensorFlow.js (int32) and ONNX (int64) compute the same buckets;
 * the functions below are the plain-JavaScript reference both are tested against.
 */

/**
 * Multiplier of the word-bigram hash `(first · 509 + second) mod buckets` over two word buckets: the largest prime
 * that keeps `first · m + second` inside int32 for buckets up to 2²² ((2²² − 1) · 509 + 2²² − 1 < 2³¹ − 1).
 */
export const WORD_BIGRAM_MULTIPLIER = 509;

/** WordPiece's limit on a word's characters (a longer word is one [UNK]), so no word has more pieces than this. */
export const MAX_PIECES_PER_WORD = 100;

/**
 * The two tables the word features need besides the vocabulary size: which ids are continuation pieces, and each
 * id's code. Both are `[vocab]` int32, saved beside the ensemble's weights so that a graph needs no tokenizer.
 */
export interface WordPieceTables {
  /** 1 for an id whose token starts with `##`, else 0. */
  readonly continuation: Int32Array;
  /** Distinct codes in [0, buckets), one per id. */
  readonly codes: Int32Array;
  /** Word buckets: unigram features are [0, buckets), bigram features [buckets, 2·buckets). */
  readonly buckets: number;
}

/**
 * Floor of a TF-IDF row's norm in the TensorFlow.js and ONNX versions of {@link wordNgramLogits}: a row without a
 * feature of non-zero idf has norm 0 and numerator 0, and 0 / floor = 0 leaves the bias, as the reference does. Any
 * real norm is far above it (a smoothed idf is at least 1).
 */
export const WORD_TFIDF_MIN_NORM = 1e-30;

/** The first entry of a word-piece table outside its range: which table, the id and the value it holds. */
export interface WordPieceTableFault {
  readonly table: 'codes' | 'continuation';
  readonly id: number;
  readonly value: number;
}

/**
 * The first entry of `tables` that the word features cannot use, or `undefined`: a code outside [0, buckets) (it would
 * put a word in another word's bucket and break the int32 bound of the sums) or a continuation flag other than 0 and
 * 1. Loaders of saved tables report it, each in its own error.
 *
 * @example
 * ```ts
 * wordPieceTablesFault({ continuation: Int32Array.of(0, 2), codes: Int32Array.of(3, 4), buckets: 8 }); // { table: 'continuation', id: 1, value: 2 }
 * ```
 */
export function wordPieceTablesFault(tables: WordPieceTables): WordPieceTableFault | undefined {
  const code = tables.codes.findIndex((value) => !(value >= 0 && value < tables.buckets));
  if (code >= 0) return { table: 'codes', id: code, value: tables.codes[code] as number };
  const flag = tables.continuation.findIndex((value) => value !== 0 && value !== 1);
  if (flag >= 0) return { table: 'continuation', id: flag, value: tables.continuation[flag] as number };
  return undefined;
}

/**
 * The continuation flag of every id of a WordPiece vocabulary (tokens in id order): 1 for `##…` tokens.
 *
 * @example
 * ```ts
 * continuationFlags(['[PAD]', 'un', '##able']); // Int32Array [0, 0, 1]
 * ```
 */
export function continuationFlags(tokens: readonly string[]): Int32Array {
  return Int32Array.from(tokens, (token) => (token.startsWith('##') && token.length > 2 ? 1 : 0));
}

/**
 * Distinct pseudo-random codes in [0, buckets), one per id of a vocabulary of `vocabSize` (the first `vocabSize`
 * entries of a seeded shuffle of 0 … buckets − 1).
 *
 * @throws RangeError when `buckets` is below `vocabSize` or above 2²²
 *
 * @example
 * ```ts
 * const codes = wordPieceCodes(30522, 2 ** 18, 0);
 * ```
 */
export function wordPieceCodes(vocabSize: number, buckets: number, seed: number): Int32Array {
  if (!Number.isInteger(buckets) || buckets < vocabSize || buckets > WIDE_MAX_BUCKETS) {
    throw new RangeError(`word buckets must be an integer from the vocabulary size (${vocabSize}) to ${WIDE_MAX_BUCKETS}, got ${buckets}`);
  }
  // A partial Fisher–Yates shuffle: only the first vocabSize places are drawn.
  const pool = Int32Array.from({ length: buckets }, (_, i) => i);
  const rng = createRng(seed);
  for (let i = 0; i < vocabSize; i++) {
    const j = rng.int(i, buckets - 1);
    const swap = pool[i] as number;
    pool[i] = pool[j] as number;
    pool[j] = swap;
  }
  return pool.slice(0, vocabSize);
}

/**
 * The word n-gram features of one sequence, one entry per occurrence (repeats kept, unigrams first, then bigrams):
 * positions whose attention mask is 1 are grouped into words (a word starts at every such position that is not a
 * continuation piece, and at the first one), word `w`'s unigram feature is `u_w = (Σ codes[id]) mod buckets` over its
 * pieces, and each pair of consecutive words gives the bigram feature
 * `buckets + (u_w · 509 + u_{w+1}) mod buckets`.
 *
 * @throws RangeError when `inputIds` and `attentionMask` differ in length, or an id is outside the tables
 *
 * @example
 * ```ts
 * wordNgramFeatures([101, 4895, 3085, 102], [1, 1, 1, 1], tables); // 3 words ([CLS], un##able, [SEP]) and 2 bigrams
 * ```
 */
export function wordNgramFeatures(inputIds: ArrayLike<number>, attentionMask: ArrayLike<number>, tables: WordPieceTables): number[] {
  if (inputIds.length !== attentionMask.length) {
    throw new RangeError(`inputIds (${inputIds.length}) and attentionMask (${attentionMask.length}) must have the same length`);
  }
  const { continuation, codes, buckets } = tables;
  const sums: number[] = [];
  for (let t = 0; t < inputIds.length; t++) {
    if (attentionMask[t] !== 1) continue;
    const id = inputIds[t] as number;
    if (!(id >= 0 && id < codes.length)) throw new RangeError(`token id ${id} is outside the word tables (vocabulary ${codes.length})`);
    if (sums.length === 0 || continuation[id] !== 1) sums.push(0);
    sums[sums.length - 1] = (sums[sums.length - 1] as number) + (codes[id] as number);
  }
  const words = sums.map((sum) => sum % buckets);
  const features = [...words];
  for (let w = 0; w + 1 < words.length; w++) features.push(buckets + (((words[w] as number) * WORD_BIGRAM_MULTIPLIER + (words[w + 1] as number)) % buckets));
  return features;
}

/**
 * One sequence's TF-IDF row over its word n-gram features, as scikit-learn's `TfidfVectorizer(norm='l2')` weighs a
 * bag: each feature's count times its idf, scaled to unit length. Features whose idf is 0 (dropped at fit time) carry
 * nothing. Indices ascending.
 *
 * @example
 * ```ts
 * const row = wordTfidfRow(wordNgramFeatures(ids, mask, tables), idf);
 * ```
 */
export function wordTfidfRow(features: readonly number[], idf: ArrayLike<number>): { indices: Int32Array; values: Float32Array } {
  const counts = new Map<number, number>();
  for (const feature of features) if ((idf[feature] as number) > 0) counts.set(feature, (counts.get(feature) ?? 0) + 1);
  const indices = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const raw = Array.from(indices, (feature) => (counts.get(feature) as number) * (idf[feature] as number));
  const norm = Math.sqrt(raw.reduce((sum, value) => sum + value * value, 0));
  return { indices, values: Float32Array.from(raw, (value) => (norm > 0 ? value / norm : 0)) };
}

/**
 * The idf of every word n-gram feature, `[2 · buckets]` float32, from the features of the training sequences: the
 * smoothed idf `ln((1 + n) / (1 + df)) + 1` of scikit-learn's `TfidfVectorizer`, and 0 for a feature in fewer than
 * `minDf` sequences (dropped, as `min_df` drops it).
 *
 * @example
 * ```ts
 * const idf = wordIdf(train.map((ids, i) => wordNgramFeatures(ids, masks[i], tables)), tables.buckets, 2);
 * ```
 */
export function wordIdf(sequences: readonly (readonly number[])[], buckets: number, minDf = 2): Float32Array {
  const df = new Int32Array(2 * buckets);
  for (const features of sequences) for (const feature of new Set(features)) df[feature] = (df[feature] as number) + 1;
  const n = sequences.length;
  return Float32Array.from(df, (count) => (count >= minDf && count > 0 ? Math.log((1 + n) / (1 + count)) + 1 : 0));
}

/**
 * The `words` n-gram model's logits for one sequence, the plain-JavaScript reference of what TensorFlow.js and the
 * ONNX graph compute: `bias + Σ_i idf[f_i]·table[f_i] / √(Σ_{i,j: f_i = f_j} idf[f_i]·idf[f_j])` over the feature
 * occurrences f_i of {@link wordNgramFeatures}, which is the logistic regression applied to {@link wordTfidfRow}.
 * `table` is `[2 · buckets, labels]` row-major. A sequence without a feature of non-zero idf gets the bias.
 *
 * @example
 * ```ts
 * const logits = wordNgramLogits(ids, mask, tables, idf, table, bias);
 * ```
 */
export function wordNgramLogits(
  inputIds: ArrayLike<number>,
  attentionMask: ArrayLike<number>,
  tables: WordPieceTables,
  idf: ArrayLike<number>,
  table: ArrayLike<number>,
  bias: ArrayLike<number>,
): Float64Array {
  const labels = bias.length;
  const row = wordTfidfRow(wordNgramFeatures(inputIds, attentionMask, tables), idf);
  const logits = Float64Array.from(bias as ArrayLike<number>);
  for (let k = 0; k < row.indices.length; k++) {
    const feature = row.indices[k] as number;
    for (let l = 0; l < labels; l++) logits[l] = (logits[l] as number) + (table[feature * labels + l] as number) * (row.values[k] as number);
  }
  return logits;
}
