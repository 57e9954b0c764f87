import { MangaAssistError } from '@mangaassist/common';

/** Activations of the feed-forward block that DistilBERT configs use and the export supports (`gelu_new` and
 * `gelu_pytorch_tanh` are the same tanh approximation). */
export const SUPPORTED_ACTIVATIONS = ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu'] as const;

/** Shapes of a DistilBERT encoder, read from a Hugging Face `config.json`. */
export interface DistilBertDims {
  readonly dim: number;
  readonly nLayers: number;
  readonly nHeads: number;
  readonly hiddenDim: number;
  readonly vocabSize: number;
  readonly maxPositions: number;
  readonly activation: (typeof SUPPORTED_ACTIVATIONS)[number];
  /** Hugging Face's DistilBERT hard-codes 1e-12 for every LayerNorm. */
  readonly layerNormEps: number;
}

function positiveInt(file: string, raw: Record<string, unknown>, field: string): number {
  const value = raw[field];
  if (!Number.isSafeInteger(value) || (value as number) <= 0) {
    throw new MangaAssistError(
      'CHECKPOINT_INVALID',
      `${file}: "${field}" must be a positive integer, got ${JSON.stringify(value)}`,
      { file, field },
    );
  }
  return value as number;
}

/**
 * Reads the encoder shapes from a parsed DistilBERT `config.json` (keys `dim`, `n_layers`, `n_heads`, `hidden_dim`,
 * `vocab_size`, `max_position_embeddings`, `activation`). Throws `CHECKPOINT_INVALID` naming the file and field.
 *
 * @example
 * ```ts
 * const dims = distilBertDims(JSON.parse(readFileSync('model/config.json', 'utf8')), 'model/config.json');
 * dims.dim; // 768 for distilbert-base-uncased
 * ```
 */
export function distilBertDims(raw: Record<string, unknown>, file: string): DistilBertDims {
  if (raw.model_type !== undefined && raw.model_type !== 'distilbert') {
    throw new MangaAssistError(
      'CHECKPOINT_INVALID',
      `${file}: "model_type" is ${JSON.stringify(raw.model_type)}; the export supports only "distilbert"`,
      { file, field: 'model_type' },
    );
  }
  const dim = positiveInt(file, raw, 'dim');
  const nHeads = positiveInt(file, raw, 'n_heads');
  if (dim % nHeads !== 0) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${file}: "dim" (${dim}) must be divisible by "n_heads" (${nHeads})`, {
      file,
      field: 'n_heads',
    });
  }
  const activation = raw.activation ?? 'gelu';
  if (!SUPPORTED_ACTIVATIONS.includes(activation as DistilBertDims['activation'])) {
    throw new MangaAssistError(
      'CHECKPOINT_INVALID',
      `${file}: "activation" is ${JSON.stringify(activation)}; allowed: ${SUPPORTED_ACTIVATIONS.join(', ')}`,
      { file, field: 'activation' },
    );
  }
  if (raw.sinusoidal_pos_embds === true) {
    throw new MangaAssistError(
      'CHECKPOINT_INVALID',
      `${file}: "sinusoidal_pos_embds" is true; the export reads learned position embeddings only`,
      { file, field: 'sinusoidal_pos_embds' },
    );
  }
  return {
    dim,
    nHeads,
    nLayers: positiveInt(file, raw, 'n_layers'),
    hiddenDim: positiveInt(file, raw, 'hidden_dim'),
    vocabSize: positiveInt(file, raw, 'vocab_size'),
    maxPositions: positiveInt(file, raw, 'max_position_embeddings'),
    activation: activation as DistilBertDims['activation'],
    layerNormEps: 1e-12,
  };
}
