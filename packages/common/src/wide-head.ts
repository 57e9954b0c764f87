import { z } from 'zod';

/*
 * The "wide" part of the classifier head (wide & deep): a sparse linear model over the WordPiece unigrams and hashed
 * bigrams of the ids the encoder already receives, added to the deep head's logits. `core-model` computes it in
 * TensorFlow.js (int32 ids) and `export` in the ONNX graph (int64 ids); the constants below are the one definition
 * both read, so that a trained model and its export hash every bigram into the same bucket.
 */

/**
 * Multiplier of the bigram hash `(first · 16249 + second) mod buckets` (see {@link wideBigramHash}). It is the
 * largest that keeps `first · m + second` inside int32 for ids below {@link WIDE_MAX_VOCAB}:
 * (2¹⁷ − 1) · 16249 + (2¹⁷ − 1) = 2,129,903,750 < 2³¹ − 1 = 2,147,483,647, so TensorFlow.js's int32 arithmetic and
 * ONNX's int64 arithmetic give the same buckets. Among the int32-safe primes it was chosen on the 228,530 distinct
 * bigrams of GoEmotions train (mini-distilbert-mlm tokenizer): the bigrams seen ≥ 3 times collide no more often than
 * under an ideal random hash at 2¹⁴, 2¹⁶, 2¹⁸, 2²⁰ and 100,003 buckets (ratio 0.90–1.00), whereas 16381 (= 2¹⁴ − 3,
 * the largest safe prime) collides 21 % more often at 2¹⁸ because 2¹⁸ / 16381 is almost exactly 16.
 */
export const WIDE_BIGRAM_MULTIPLIER = 16249;

/** Largest vocabulary for which the bigram hash stays inside int32 (2¹⁷ = 131,072; BERT's is 30,522). */
export const WIDE_MAX_VOCAB = 2 ** 17;

/** Default number of bigram buckets (2¹⁸ = 262,144 rows, 6.3 MB of float32 for 6 labels). */
export const WIDE_DEFAULT_BUCKETS = 2 ** 18;

/** Most bigram buckets allowed (2²², a 100 MB float32 table for 6 labels): a guard against a typo'd exponent. */
export const WIDE_MAX_BUCKETS = 2 ** 22;

/** `model.safetensors` name of the unigram table, `[vocab_size, labels]` float32 (an embedding-bag layout). */
export const WIDE_UNIGRAM_TENSOR = 'wide.unigram.weight';

/** `model.safetensors` name of the bigram table, `[buckets, labels]` float32. */
export const WIDE_BIGRAM_TENSOR = 'wide.bigram.weight';

/** The bigram hash in words, as `export.json` records it. */
export const WIDE_BIGRAM_HASH_FORMULA = `(first_id * ${WIDE_BIGRAM_MULTIPLIER} + second_id) mod buckets`;

/**
 * The bucket of the bigram (`first`, `second`): `(first · 16249 + second) mod buckets`, in exact integer arithmetic
 * (the plain-JavaScript reference the TensorFlow.js and ONNX versions are tested against).
 *
 * @throws RangeError when an id is not an integer in [0, {@link WIDE_MAX_VOCAB}) or `buckets` is not a positive
 *   integer: outside that range the int32 version would overflow
 *
 * @example
 * ```ts
 * wideBigramHash(2023, 2003, 2 ** 18); // (2023 · 16249 + 2003) mod 262144 = 105730
 * ```
 */
export function wideBigramHash(first: number, second: number, buckets: number): number {
  for (const [name, id] of [['first', first], ['second', second]] as const) {
    if (!Number.isInteger(id) || id < 0 || id >= WIDE_MAX_VOCAB) {
      throw new RangeError(`${name} must be a token id in [0, ${WIDE_MAX_VOCAB}), got ${id}`);
    }
  }
  if (!Number.isInteger(buckets) || buckets < 1) throw new RangeError(`buckets must be a positive integer, got ${buckets}`);
  return (first * WIDE_BIGRAM_MULTIPLIER + second) % buckets;
}

/**
 * `model.head.wide` of a training configuration: whether the head adds the wide part, how many bigram buckets,
 * whether bigrams are used at all, and the wide tables' learning rate as a multiple of the head's.
 *
 * @example
 * ```yaml
 * model:
 *   head:
 *     wide: { enabled: true, buckets: 262144, lrMultiplier: 50 }
 * ```
 */
export const wideHeadSchema = z
  .object({
    /** On unless set to false (a training job's head has the wide part by default); off, the classifier is exactly the deep model. */
    enabled: z.boolean().default(true),
    /** Rows of the hashed bigram table (default 2¹⁸). */
    buckets: z.number().int().min(1).max(WIDE_MAX_BUCKETS).default(WIDE_DEFAULT_BUCKETS),
    /** Hashed bigrams of consecutive real tokens beside the unigrams (default true). */
    bigrams: z.boolean().default(true),
    /**
     * The wide tables' learning rate as a multiple of the head group's (default 300). They start at zero and a row
     * only gets a gradient in the steps whose batch contains its token, so at the head's rate they barely move in
     * a short fine-tuning run: 300 was the best of 30–1000 at a base rate of 3e-4 with the stand-in encoder.
     */
    lrMultiplier: z.number().positive().max(1e6).default(300),
  })
  .strict();

/** Parsed {@link wideHeadSchema}. */
export type WideHeadSettings = z.infer<typeof wideHeadSchema>;

/**
 * The wide part as `core-model` saves it in `config.json` → `mangaassist_head.wide` (present only when the head has
 * it): `{ buckets, bigrams, lr_multiplier }`. Read by `loadClassifier` and by the ONNX export.
 */
export const savedWideHeadSchema = z
  .object({
    buckets: z.number().int().min(1).max(WIDE_MAX_BUCKETS),
    bigrams: z.boolean(),
    lr_multiplier: z.number().positive().max(1e6).default(1),
  })
  .strict();

/** Parsed {@link savedWideHeadSchema}. */
export type SavedWideHead = z.infer<typeof savedWideHeadSchema>;
