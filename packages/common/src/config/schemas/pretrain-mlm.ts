import { z } from 'zod';
import { pluginSelectionSchema } from './labels';
import { optimizerConfigSchema } from './optimizer';
import { trainingConfigSchema } from './training';

/** Formats of an unlabelled text file: one text per line, JSON Lines, or CSV/TSV with a header. */
export const TEXT_CORPUS_FORMATS = ['text', 'jsonl', 'csv', 'tsv'] as const;

/** Texts the MangaAssist corpus generator draws when a source asks for it without a size. */
export const DEFAULT_GENERATED_TEXTS = 20_000;

/**
 * One source of unlabelled text: a file (`text`: a text per line; `jsonl`: the `textColumn` field of each object;
 * `csv`/`tsv`: the `textColumn` column; the format follows the extension `.txt`, `.jsonl`, `.csv`, `.tsv` unless
 * given), or the seeded MangaAssist corpus generator.
 */
export const mlmSourceSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('file'),
      /** Names the source in the held-out report; default the file's name. */
      name: z.string().min(1).optional(),
      path: z.string().min(1),
      format: z.enum(TEXT_CORPUS_FORMATS).optional(),
      textColumn: z.string().min(1).default('text'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('generated'),
      /** Names the source in the held-out report; default `generated`. */
      name: z.string().min(1).optional(),
      n: z.number().int().positive().default(DEFAULT_GENERATED_TEXTS),
      seed: z.number().int().default(7),
    })
    .strict(),
]);

/** One parsed text source. */
export type MlmSource = z.infer<typeof mlmSourceSchema>;

/**
 * A masked-LM pretraining job (`mangaassist pretrain-mlm`): continue pretraining a DistilBERT checkpoint on unlabelled
 * text (ULMFiT's middle stage, domain-adaptive pretraining) and write a `DistilBertForMaskedLM` directory. Without
 * `data.sources`, GoEmotions' training comments (from the shared assets) and the generated MangaAssist corpus are used.
 *
 * @example
 * ```yaml
 * model: { pretrained: ../shared/models/mini-distilbert-mlm, maxLength: 64 }
 * data:
 *   sources:
 *     - { kind: file, path: data/support-chats.txt }
 *     - { kind: generated, n: 20000 }
 * schedule: { epochs: 1, lr: { id: stlr } }
 * optimizer: { baseLr: 5.0e-5 }
 * training: { outDir: runs/dapt, batchSize: 32, maxSteps: 400 }
 * ```
 */
export const pretrainMlmConfigSchema = z
  .object({
    model: z
      .object({
        /** A Hugging Face directory or hub id: a `DistilBertForMaskedLM` (head loaded) or any DistilBERT (head new). */
        pretrained: z.string().min(1).default('distilbert-base-uncased'),
        cacheDir: z.string().min(1).optional(),
        /** Token limit of a text, including [CLS] and [SEP]; longer texts are cut. */
        maxLength: z.number().int().min(8).max(512).default(64),
      })
      .strict()
      .default({ pretrained: 'distilbert-base-uncased', maxLength: 64 }),
    data: z
      .object({
        sources: z.array(mlmSourceSchema).min(1).optional(),
        /** Share of the texts held out (seeded) to measure the masked-LM loss before and after. */
        heldOutFraction: z.number().gt(0).lt(0.5).default(0.05),
        /** At most this many held-out texts (the rest of the share goes back to training). */
        maxHeldOutTexts: z.number().int().positive().default(1000),
      })
      .strict()
      .default({ heldOutFraction: 0.05, maxHeldOutTexts: 1000 }),
    /** BERT's recipe by default: 15% of non-special tokens; of those 80% [MASK], 10% a random token, 10% unchanged. */
    masking: z
      .object({
        probability: z.number().gt(0).lt(1).default(0.15),
        maskFraction: z.number().min(0).max(1).default(0.8),
        randomFraction: z.number().min(0).max(1).default(0.1),
      })
      .strict()
      .refine((m) => m.maskFraction + m.randomFraction <= 1, { message: 'maskFraction + randomFraction must be at most 1', path: ['randomFraction'] })
      .default({ probability: 0.15, maskFraction: 0.8, randomFraction: 0.1 }),
    schedule: z
      .object({
        epochs: z.number().int().positive().default(1),
        /** An LR schedule plugin (`npm run cli -- schedules`); slanted triangular as ULMFiT's LM fine-tuning. */
        lr: pluginSelectionSchema('stlr').default({ id: 'stlr', options: {} }),
      })
      .strict()
      .default({ epochs: 1, lr: { id: 'stlr', options: {} } }),
    /** AdamW; one rate for every variable (no discriminative rates in pretraining). */
    optimizer: optimizerConfigSchema
      .omit({ lrDecay: true })
      .extend({ baseLr: z.number().positive().default(5e-5) })
      .default({ id: 'adamw', baseLr: 5e-5, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, gradClipNorm: 1 }),
    training: trainingConfigSchema
      .pick({ seed: true, batchSize: true, evalBatchSize: true, backend: true, maxSteps: true, checkpointEverySteps: true, logEverySteps: true })
      .extend({
        /** The output: the `DistilBertForMaskedLM` directory, with the run's checkpoint, metrics and summary beside it. */
        outDir: z.string().min(1).default('runs/pretrain-mlm'),
        /** Also measure the held-out loss every this many steps (0: only before and after). */
        evalEverySteps: z.number().int().min(0).default(0),
      })
      .default({ seed: 42, batchSize: 32, evalBatchSize: 64, checkpointEverySteps: 100, logEverySteps: 10, outDir: 'runs/pretrain-mlm', evalEverySteps: 0 }),
  })
  .strict();

/** Parsed masked-LM pretraining configuration. */
export type PretrainMlmConfig = z.infer<typeof pretrainMlmConfigSchema>;
