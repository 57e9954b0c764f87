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
 * Training and validation data. Without `validation`, a stratified split of `train` is held out.
 *
 * @example
 * ```yaml
 * data:
 *   train: { path: data/train.jsonl }
 *   valFraction: 0.1
 * ```
 */
export const dataConfigSchema = z
  .object({
    train: datasetSourceSchema,
    validation: datasetSourceSchema.optional(),
    valFraction: z.number().gt(0).lt(1).default(0.1),
    /** Skip and count bad rows instead of failing on the first one. */
    lenient: z.boolean().default(false),
    seed: z.number().int().default(42),
  })
  .strict();

/** Parsed data configuration. */
export type DataConfig = z.infer<typeof dataConfigSchema>;
