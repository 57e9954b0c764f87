import { z } from 'zod';
import { ngramEnsembleSchema, type NgramEnsembleSettings } from '../../ngram-ensemble';
import { wideHeadSchema, type WideHeadSettings } from '../../wide-head';
import { DEFAULT_LABELS, labelListSchema } from './labels';

/**
 * The wide part a training job's head has when `model.head.wide` is not set: {@link wideHeadSchema}'s defaults (on,
 * 2¹⁸ bigram buckets, tables learning at 300× the head's rate, the best of ×30, ×100, ×300 and ×1000 on the
 * hand-written dev slice at a head rate of 3e-4).
 */
export const RECOMMENDED_WIDE_HEAD: WideHeadSettings = wideHeadSchema.parse({});

/** The n-gram ensemble a training job fits when `model.head.ngramEnsemble` is not set: {@link ngramEnsembleSchema}'s defaults (off). */
export const DEFAULT_NGRAM_ENSEMBLE: NgramEnsembleSettings = ngramEnsembleSchema.parse({});

/**
 * Which encoder to fine-tune and the classifier built on it.
 *
 * @example
 * ```yaml
 * model:
 *   pretrained: ../shared/models/mini-distilbert-mlm   # or a hub id such as distilbert-base-uncased
 *   maxLength: 64
 * ```
 */
export const modelConfigSchema = z
  .object({
    /** A Hugging Face directory or a hub id (downloaded once into `cacheDir`). */
    pretrained: z.string().min(1).default('distilbert-base-uncased'),
    /** Where hub downloads are cached; defaults to `$MANGAASSIST_CACHE` or `~/.cache/mangaassist`. */
    cacheDir: z.string().min(1).optional(),
    labels: labelListSchema.default([...DEFAULT_LABELS]),
    maxLength: z.number().int().min(8).max(512).default(128),
    /**
     * Put emoji into the vocabulary's reserved `[unusedN]` slots before fine-tuning, the training messages' emoji
     * first, each embedding initialised from its Unicode name (`emojiTokens` of `@mangaassist/core-model`). BERT's
     * vocabulary has none: without them every emoji reads as `[UNK]`, so "❤️❤️" and "🙄" look alike to the model.
     * Off when absent; left out rather than defaulted so that the settings of runs recorded before it existed, and
     * the checkpoints they resume from, stay the same.
     */
    emojiTokens: z.boolean().optional(),
    /**
     * Read each emoji as its Unicode name ("❤️❤️" as "red heart red heart"): the tokenizer's normaliser rewrites
     * them before splitting (`emojiNameReplacements` of `@mangaassist/core-model`), and the rewrite is saved in the
     * model's `tokenizer.json`, so serving and transformers.js read the text the same way. No embedding row changes;
     * the encoder already knows the words. Not with `emojiTokens` (the names would leave those tokens unread). Off
     * when absent, for the same reason as `emojiTokens`.
     */
    emojiNames: z.boolean().optional(),
    head: z
      .object({
        hiddenDim: z.number().int().positive().default(256),
        dropout: z.number().min(0).max(1).default(0.2),
        innerDropout: z.number().min(0).max(1).default(0.1),
        /**
         * What the head reads from the encoder: `cls` the [CLS] vector (the default, as Hugging Face's
         * `DistilBertForSequenceClassification`), `mean` the average of the last hidden states over the tokens whose
         * attention mask is 1. An encoder pretrained by masked-LM only (like mini-distilbert-mlm) never trained its
         * [CLS] vector, so the mean may suit it better; the default stays `cls` until measured.
         */
        pooling: z.enum(['cls', 'mean']).default('cls'),
        /**
         * The "wide" part (wide & deep): a sparse linear model over the WordPiece unigrams and hashed bigrams of the
         * input, trained jointly with the head and added to its logits, so the model keeps what a bag-of-n-grams
         * baseline gets right on hand-written messages. On by default ({@link RECOMMENDED_WIDE_HEAD}): it lifted
         * macro-F1 on the hand-written dev slice from 0.681 to 0.802 (docs/results/handwritten-quality.md);
         * `enabled: false` gives the deep head alone.
         */
        wide: wideHeadSchema.default(RECOMMENDED_WIDE_HEAD),
        /**
         * The n-gram ensemble: once training is over, a logistic regression over the same unigrams and hashed
         * bigrams as the wide part is fitted apart on the training messages, and the served probability is
         * `(1 − weight)·p_network + weight·p_ngram` (in the ONNX graph too). A model fitted apart errs differently
         * from the network, which is what the average needs (docs/results/handwritten-quality.md).
         */
        ngramEnsemble: ngramEnsembleSchema.default(DEFAULT_NGRAM_ENSEMBLE),
      })
      .strict()
      .default({ hiddenDim: 256, dropout: 0.2, innerDropout: 0.1, pooling: 'cls', wide: RECOMMENDED_WIDE_HEAD, ngramEnsemble: DEFAULT_NGRAM_ENSEMBLE }),
  })
  .strict();

/** Parsed model configuration. */
export type ModelConfig = z.infer<typeof modelConfigSchema>;
