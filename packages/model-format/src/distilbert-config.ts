import { describeZodIssues, formatProblems, MangaAssistError } from '@mangaassist/common';
import { z } from 'zod';

/**
 * The feed-forward activations a DistilBERT `config.json` may name, by Hugging Face's `ACT2FN` names: `gelu` is the
 * exact erf form DistilBERT uses, `gelu_new` and `gelu_pytorch_tanh` are the same tanh approximation. Both the
 * TensorFlow.js encoder and the ONNX export implement exactly these, so the schema refuses any other.
 *
 * @example
 * ```ts
 * DISTILBERT_ACTIVATIONS.includes('gelu'); // true
 * ```
 */
export const DISTILBERT_ACTIVATIONS = ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu'] as const;

/** One of {@link DISTILBERT_ACTIVATIONS}. */
export type DistilBertActivation = (typeof DISTILBERT_ACTIVATIONS)[number];

/**
 * The epsilon of every LayerNorm: Hugging Face's DistilBERT hard-codes 1e-12 instead of reading it from the config.
 *
 * @example
 * ```ts
 * layerNorm(x, gamma, beta, DISTILBERT_LAYER_NORM_EPS);
 * ```
 */
export const DISTILBERT_LAYER_NORM_EPS = 1e-12;

/**
 * The fields of a Hugging Face `DistilBertConfig` (`config.json`) that define the computation, with the defaults
 * of `DistilBertConfig` (those of distilbert-base-uncased), as transformers fills them for a config that leaves a
 * field out. Other keys (label maps, the head block, `architectures`) pass through untouched so that a save writes
 * them back.
 *
 * @example
 * ```ts
 * const parsed = distilBertConfigSchema.safeParse({ model_type: 'distilbert', n_layers: 2 });
 * ```
 */
export const distilBertConfigSchema = z
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
    activation: z.enum(DISTILBERT_ACTIVATIONS).default('gelu'),
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
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming `file` and every bad field with its allowed values
 *   (`details.field` is the first bad field, `details.problems` all of them)
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
      field: problems[0]?.path,
      problems,
    });
  }
  return result.data;
}

/**
 * A small configuration for tests and examples: everything not given takes the value of the tiny Hugging Face
 * fixture (dim 32, 2 layers, 2 heads, FFN 64, 64 positions, dropout 0).
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

/**
 * The shapes of distilbert-base-uncased (66 M parameters), for benchmarks that need its size but not its weights.
 *
 * @example
 * ```ts
 * writeRandomClassifierDir('bench/model', { config: DISTILBERT_BASE_CONFIG, labels: ['frustration', 'neutral'] });
 * ```
 */
export const DISTILBERT_BASE_CONFIG: DistilBertConfig = parseDistilBertConfig({ model_type: 'distilbert' }, '(distilbert-base-uncased)');
