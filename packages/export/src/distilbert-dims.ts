import { MangaAssistError } from '@mangaassist/common';
import { DISTILBERT_BASE_CONFIG, DISTILBERT_LAYER_NORM_EPS, parseDistilBertConfig, type DistilBertActivation, type DistilBertConfig } from '@mangaassist/model-format';

/**
 * The shapes the graph builders need, in their own words: a view of a validated {@link DistilBertConfig} (the one
 * schema of `config.json`, owned by `@mangaassist/model-format`), never parsed from JSON on its own.
 */
export interface DistilBertDims {
  readonly dim: number;
  readonly nLayers: number;
  readonly nHeads: number;
  readonly hiddenDim: number;
  readonly vocabSize: number;
  readonly maxPositions: number;
  readonly activation: DistilBertActivation;
  /** Hugging Face's DistilBERT hard-codes 1e-12 for every LayerNorm. */
  readonly layerNormEps: number;
}

/**
 * The graph's view of a validated config.
 *
 * @example
 * ```ts
 * dimsOf(tinyDistilBertConfig()).dim; // 32
 * ```
 */
export function dimsOf(config: DistilBertConfig): DistilBertDims {
  return {
    dim: config.dim,
    nLayers: config.n_layers,
    nHeads: config.n_heads,
    hiddenDim: config.hidden_dim,
    vocabSize: config.vocab_size,
    maxPositions: config.max_position_embeddings,
    activation: config.activation,
    layerNormEps: DISTILBERT_LAYER_NORM_EPS,
  };
}

/**
 * Validates a parsed DistilBERT `config.json` with the shared schema and returns the encoder shapes, refusing what
 * the export cannot build: fixed sinusoidal position tables (it reads learned ones only).
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming the file and field
 *
 * @example
 * ```ts
 * const dims = distilBertDims(JSON.parse(readFileSync('model/config.json', 'utf8')), 'model/config.json');
 * dims.dim; // 768 for distilbert-base-uncased
 * ```
 */
export function distilBertDims(raw: Readonly<Record<string, unknown>>, file: string): DistilBertDims {
  return checkedDims(parseDistilBertConfig(raw, file), file);
}

/**
 * {@link dimsOf} of a config the export can build.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming the file and field of what the export cannot build
 *
 * @example
 * ```ts
 * const dims = checkedDims(readClassifierConfig(dir).config, join(dir, 'config.json'));
 * ```
 */
export function checkedDims(config: DistilBertConfig, file: string): DistilBertDims {
  if (config.sinusoidal_pos_embds) {
    throw new MangaAssistError(
      'CHECKPOINT_INVALID',
      `${file}: "sinusoidal_pos_embds" is true; the export reads learned position embeddings only`,
      { file, field: 'sinusoidal_pos_embds' },
    );
  }
  return dimsOf(config);
}

/** The shapes of distilbert-base-uncased (66 M parameters). */
export const DISTILBERT_BASE_DIMS: DistilBertDims = dimsOf(DISTILBERT_BASE_CONFIG);
