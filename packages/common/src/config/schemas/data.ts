import { z } from 'zod';

/** Supported dataset file formats. */
export const DATA_FORMATS = ['jsonl', 'csv', 'tsv', 'goemotions'] as const;

/** One dataset file and how to read it. */
export const datasetSourceSchema = z
  .object({
    path: z.string().min(1),
    format: z.enum(DATA_FORMATS).optional(),
    textColumn: z.string().min(1).default('text'),
    labelsColumn: z.string().min(1).default('labels'),
  })
  .strict();

/**
 * One training file: how to read it, which labels it annotates, how many of its examples to use and how much its
 * examples weigh in the loss.
 *
 * Labels a source does not annotate are masked out of the loss for its examples instead of being taken as
 * negatives: GoEmotions never marks urgency or churn_risk, and teaching the model that every Reddit comment is
 * "not urgent" would be wrong.
 */
export const trainingSourceSchema = datasetSourceSchema
  .extend({
    /**
     * The labels this file annotates (the others are left out of the loss for its examples). Default: what the
     * format declares (GoEmotions: frustration, satisfaction, confusion, neutral; other formats: every label).
     */
    labels: z.array(z.string().min(1)).min(1).optional(),
    /** Use a seeded random subset of this many examples (drawn once, from `data.seed`). Default: all. */
    maxExamples: z.number().int().positive().optional(),
    /** Loss weight of this file's examples relative to the others (1 = as much as any other example). */
    weight: z.number().positive().finite().default(1),
    /**
     * Whether the n-gram ensemble (`model.head.ngramEnsemble`) is also fitted on this file's examples; the network
     * trains on them either way. Default true. `false` keeps a file's phrasing (a generated corpus, say) out of the
     * n-gram model's word statistics. A file that does not annotate every label is never used.
     */
    inNgramEnsemble: z.boolean().default(true),
  })
  .strict();

/**
 * Training and validation data. `train` is one file or a list of files (for instance the generated MangaAssist
 * corpus and GoEmotions' real comments). Without `validation`, a stratified split of the first training file is
 * held out.
 *
 * @example
 * ```yaml
 * data:
 *   train:
 *     - { path: data/train.jsonl }
 *     - { path: ../shared/data/goemotions/train.tsv, format: goemotions, maxExamples: 4000 }
 *   validation: { path: data/validation.jsonl }
 * ```
 */
export const dataConfigSchema = z
  .object({
    train: z.union([trainingSourceSchema, z.array(trainingSourceSchema).min(1)]),
    validation: datasetSourceSchema.optional(),
    valFraction: z.number().gt(0).lt(1).default(0.1),
    /** Skip and count bad rows instead of failing on the first one. */
    lenient: z.boolean().default(false),
    seed: z.number().int().default(42),
  })
  .strict();

/** Parsed data configuration. */
export type DataConfig = z.infer<typeof dataConfigSchema>;

/** One parsed training source. */
export type TrainingSource = z.infer<typeof trainingSourceSchema>;

/**
 * The training files of a data configuration as a list, whichever form the configuration used.
 *
 * @example
 * ```ts
 * trainingSources(config.data).map((source) => source.path);
 * ```
 */
export function trainingSources(data: Pick<DataConfig, 'train'>): readonly TrainingSource[] {
  return Array.isArray(data.train) ? data.train : [data.train];
}
