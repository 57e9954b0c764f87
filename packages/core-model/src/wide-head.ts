import * as tf from '@tensorflow/tfjs-core';
import { describeZodIssues, WIDE_BIGRAM_MULTIPLIER, WIDE_BIGRAM_TENSOR, WIDE_MAX_VOCAB, WIDE_UNIGRAM_TENSOR, wideHeadSchema, type WideHeadSettings } from '@mangaassist/common';

/**
 * The wide part of the head ("wide & deep"), when it is on: a sparse linear model over the WordPiece ids the encoder
 * already receives, added to the deep head's logits. It exists because on messages written by people a TF-IDF +
 * logistic-regression baseline over word and character n-grams beats the fine-tuned small transformer: a keyword
 * the baseline maps straight to a label has to travel through the whole encoder in the deep model. Trained jointly
 * with the head, the wide part keeps that direct path.
 *
 * Stored in `ClassifierHeadConfig.wide` only when enabled (so `enabled` is then `true`); saved in `config.json` →
 * `mangaassist_head.wide` as `{ buckets, bigrams, lr_multiplier }` and honoured by the ONNX export.
 */
export type WideHeadConfig = WideHeadSettings;

/** What callers may pass as `head.wide` (every field optional; `enabled` defaults to false). */
export type WideHeadOptions = Partial<WideHeadSettings>;

/** The wide tables of a classifier: `unigram` `[vocab, labels]`, and `bigram` `[buckets, labels]` when bigrams are on. */
export interface WideTables {
  readonly unigram: tf.Tensor2D;
  readonly bigram?: tf.Tensor2D;
}

/**
 * Validates `head.wide` options and fills the defaults (`enabled` true, `buckets` 2¹⁸, `bigrams` true, `lrMultiplier`
 * 300). Returns `undefined` when the wide part is off (absent, or `enabled: false`), so a head without it is exactly
 * the deep one.
 *
 * @throws RangeError naming each wrong field (`head.wide.buckets: …`), unknown keys included
 *
 * @example
 * ```ts
 * resolveWideHead({ buckets: 1024 }); // { enabled: true, buckets: 1024, bigrams: true, lrMultiplier: 300 }
 * resolveWideHead(undefined); // undefined: no wide part
 * ```
 */
export function resolveWideHead(options: unknown): WideHeadConfig | undefined {
  if (options === undefined) return undefined;
  const parsed = wideHeadSchema.safeParse(options);
  if (!parsed.success) {
    const problems = describeZodIssues(parsed.error.issues, 'head.wide').map((p) => `${p.path}: ${p.message}`);
    throw new RangeError(`head.wide is invalid: ${problems.join('; ')}`);
  }
  return parsed.data.enabled ? parsed.data : undefined;
}

/**
 * Refuses bigrams for a vocabulary above 2¹⁷ ids: the bigram hash `first · 16249 + second` would leave int32
 * (TensorFlow.js's id type) and stop matching the exported graph's int64 arithmetic. Unigrams alone have no limit.
 *
 * @throws RangeError naming the vocabulary size, the limit and the way out (`bigrams: false`)
 *
 * @example
 * ```ts
 * checkWideVocabulary(30522, wide); // fine: BERT's vocabulary
 * ```
 */
export function checkWideVocabulary(vocabSize: number, wide: Pick<WideHeadConfig, 'bigrams'> | undefined): void {
  if (wide?.bigrams && vocabSize > WIDE_MAX_VOCAB) {
    throw new RangeError(
      `head.wide.bigrams needs a vocabulary of at most ${WIDE_MAX_VOCAB} ids (the bigram hash must stay inside int32); ` +
        `this encoder has ${vocabSize}: set head.wide.bigrams to false`,
    );
  }
}

/**
 * The wide tables' names and shapes in `model.safetensors`: `wide.unigram.weight` `[vocab, labels]` and, with
 * bigrams, `wide.bigram.weight` `[buckets, labels]` — embedding-bag layout (one row per id or bucket), float32,
 * zero-initialised by `createClassifier` so that a new wide head changes no logit until it has trained.
 *
 * @example
 * ```ts
 * wideWeightSpecs(30522, 6, wide); // [{ name: 'wide.unigram.weight', shape: [30522, 6] }, { name: 'wide.bigram.weight', shape: [262144, 6] }]
 * ```
 */
export function wideWeightSpecs(
  vocabSize: number,
  numLabels: number,
  wide: Pick<WideHeadConfig, 'buckets' | 'bigrams'>,
): { name: string; shape: [number, number] }[] {
  return [
    { name: WIDE_UNIGRAM_TENSOR, shape: [vocabSize, numLabels] },
    ...(wide.bigrams ? [{ name: WIDE_BIGRAM_TENSOR, shape: [wide.buckets, numLabels] as [number, number] }] : []),
  ];
}

/**
 * The bucket of every pair of consecutive positions, `[batch, seq − 1]` int32:
 * `(ids[:, t] · 16249 + ids[:, t + 1]) mod buckets` (see `wideBigramHash` of `@mangaassist/common`). The multiplier
 * and modulus are int32 tensors: a JavaScript number would make TensorFlow.js compute in float32, which cannot hold
 * products near 2³¹ exactly. Exact for ids below 2¹⁷ (checked by `checkWideVocabulary`). Pairs that touch padding
 * get a bucket too; `wideLogits` masks them out.
 *
 * @example
 * ```ts
 * await wideBigramBuckets(tf.tensor2d([[2, 7, 3]], undefined, 'int32'), 1024).array(); // [[(2·16249+7) % 1024, (7·16249+3) % 1024]]
 * ```
 */
export function wideBigramBuckets(inputIds: tf.Tensor2D, buckets: number): tf.Tensor2D {
  return tf.tidy(() => {
    const ids = inputIds.dtype === 'int32' ? inputIds : tf.cast(inputIds, 'int32');
    const [batch, length] = ids.shape;
    const pairs = Math.max(0, length - 1);
    const first = tf.slice(ids, [0, 0], [batch, pairs]);
    const second = tf.slice(ids, [0, Math.min(1, length)], [batch, pairs]);
    const multiplier = tf.scalar(WIDE_BIGRAM_MULTIPLIER, 'int32');
    return tf.mod(tf.add(tf.mul(first, multiplier), second), tf.scalar(buckets, 'int32'));
  });
}

/**
 * The wide logits `[batch, labels]`:
 * `(Σ_real t U[id_t] + Σ_real pairs Bg[bucket(id_t, id_t+1)]) / √n`, where the real positions are those whose
 * attention mask is 1, a pair is real when both its tokens are, and n is the number of real tokens (clamped to ≥ 1,
 * so an all-padding row gives zeros, not NaN).
 *
 * - [CLS] and [SEP] count as tokens like any other: their unigram rows learn a bias that shrinks with length (a
 *   length feature), the pairs `[CLS] w` and `w [SEP]` say which word starts or ends the message ("…?" [SEP]), and
 *   the graph needs no tokenizer constants to leave them out.
 * - Dividing by √n plays the part of TF-IDF's L2 normalisation (a text of n distinct unigrams has norm √n): a long
 *   message does not get larger logits just by having more words.
 * - Gathers and mask-weighted sums only, so padding never changes a text's logits and the gradient (TensorFlow.js's
 *   `GatherV2` gradient, an `UnsortedSegmentSum` into the table's shape) is non-zero only at the rows and buckets a
 *   batch uses. No dropout: the deep head's dropouts regularise the deep part only.
 *
 * The ONNX export builds the same computation (`packages/export`, `wideLogitsGraph`).
 *
 * @example
 * ```ts
 * const logits = tf.add(deepLogits, wideLogits(ids, mask, { unigram, bigram }, wide));
 * ```
 */
export function wideLogits(
  inputIds: tf.Tensor2D,
  attentionMask: tf.Tensor2D,
  tables: WideTables,
  wide: Pick<WideHeadConfig, 'buckets' | 'bigrams'>,
): tf.Tensor2D {
  return tf.tidy(() => {
    const ids = inputIds.dtype === 'int32' ? inputIds : tf.cast(inputIds, 'int32');
    const [batch, length] = inputIds.shape;
    const labels = tables.unigram.shape[1];
    const mask = tf.cast(attentionMask, 'float32');
    const bag = (table: tf.Tensor2D, rows: tf.Tensor, weights: tf.Tensor, positions: number): tf.Tensor2D => {
      const gathered = tf.reshape(tf.gather(table, tf.reshape(rows, [batch * positions])), [batch, positions, labels]);
      return tf.sum(tf.mul(gathered, tf.expandDims(weights, 2)), 1);
    };
    let summed = bag(tables.unigram, ids, mask, length);
    if (wide.bigrams && length > 1) {
      if (!tables.bigram) throw new RangeError('wideLogits: bigrams are on but no bigram table was given');
      const pairMask = tf.mul(tf.slice(mask, [0, 0], [batch, length - 1]), tf.slice(mask, [0, 1], [batch, length - 1]));
      summed = tf.add(summed, bag(tables.bigram, wideBigramBuckets(inputIds, wide.buckets), pairMask, length - 1));
    }
    return tf.div(summed, tf.sqrt(tf.maximum(tf.sum(mask, 1, true), 1)));
  });
}
