import { describeZodIssues, formatProblems, MangaAssistError } from '@mangaassist/common';
import { z } from 'zod';
import { ACTIVATION_NAMES } from './layers';

/**
 * The fields of a Hugging Face `DistilBertConfig` (`config.json`) that define the computation, with the
 * defaults of `DistilBertConfig` (those of distilbert-base-uncased). Other keys are kept and written back on save.
 */
const distilBertConfigSchema = z
  .object({
    model_type: z.literal('distilbert'),
    vocab_size: z.number().int().positive().default(30522),
    max_position_embeddings: z.number().int().positive().default(512),
    sinusoidal_pos_embds: z.boolean().default(false),
    n_layers: z.number().int().positive().default(6),
    n_heads: z.number().int().positive().default(12),
    dim: z.number().int().positive().default(768),
    hidden_dim: z.number().int().positive().default(3072),
    dropout: z.number().min(0).max(1).default(0.1),
    attention_dropout: z.number().min(0).max(1).default(0.1),
    activation: z.enum(ACTIVATION_NAMES).default('gelu'),
    initializer_range: z.number().positive().default(0.02),
    seq_classif_dropout: z.number().min(0).max(1).default(0.2),
    pad_token_id: z.number().int().min(0).default(0),
  })
  .loose()
  .refine((c) => c.dim % c.n_heads === 0, { message: 'dim must be divisible by n_heads', path: ['dim'] });

/** A validated DistilBERT configuration, in Hugging Face's field names so that it maps 1:1 to `config.json`. */
export type DistilBertConfig = z.infer<typeof distilBertConfigSchema>;

/**
 * Validates a parsed `config.json` of model_type `distilbert`, filling `DistilBertConfig`'s defaults.
 * Throws `CHECKPOINT_INVALID` naming `file` and every bad field with its allowed values.
 *
 * @example
 * ```ts
 * const config = parseDistilBertConfig(JSON.parse(readFileSync('model/config.json', 'utf8')), 'model/config.json');
 * config.dim; // 768
 * ```
 */
export function parseDistilBertConfig(raw: unknown, file: string): DistilBertConfig {
  const result = distilBertConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = describeZodIssues(result.error.issues);
    throw new MangaAssistError('CHECKPOINT_INVALID', `${file}: invalid DistilBERT config:\n${formatProblems(problems)}`, {
      file,
      problems,
    });
  }
  return result.data;
}

/**
 * A small random-size configuration for tests and examples: everything not given takes the value of the tiny
 * Hugging Face fixture (dim 32, 2 layers, 2 heads, FFN 64, 64 positions, dropout 0).
 *
 * @example
 * ```ts
 * const config = tinyDistilBertConfig({ vocab_size: 100, n_layers: 4 });
 * ```
 */
export function tinyDistilBertConfig(overrides: Partial<DistilBertConfig> = {}): DistilBertConfig {
  return parseDistilBertConfig(
    {
      model_type: 'distilbert',
      vocab_size: 30522,
      max_position_embeddings: 64,
      n_layers: 2,
      n_heads: 2,
      dim: 32,
      hidden_dim: 64,
      dropout: 0,
      attention_dropout: 0,
      ...overrides,
    },
    '(tiny config)',
  );
}
