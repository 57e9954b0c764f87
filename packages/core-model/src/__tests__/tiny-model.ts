import { tinyDistilBertConfig, writeRandomClassifierDir, type DistilBertConfig, type SafetensorsInput } from '@mangaassist/model-format';
import { initDistilBertWeights } from '../distilbert-weights';

/** A small vocabulary: BERT's special tokens at BERT's ids would need 100 unused rows, so they come first here. */
export const TINY_VOCAB = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]',
  'where', 'is', 'my', 'order', 'manga', 'late', 'again', 'never', 'love', 'this', 'series',
  'un', '##believ', '##able', '!', '?', '.', 'volume', '14',
];

/** A random tiny DistilBERT config over {@link TINY_VOCAB}. */
export function tinyConfig(overrides: Partial<DistilBertConfig> = {}): DistilBertConfig {
  return tinyDistilBertConfig({
    vocab_size: TINY_VOCAB.length,
    dim: 8,
    n_heads: 2,
    hidden_dim: 16,
    n_layers: 2,
    max_position_embeddings: 16,
    ...overrides,
  });
}

/** Options of {@link writeTinyModel}. */
export interface TinyModelOptions {
  readonly config?: Partial<DistilBertConfig>;
  readonly seed?: number;
  /** Prefix of the encoder tensor names (`distilbert.` for a model with a head). */
  readonly prefix?: string;
  /** Extra tensors written alongside (e.g. a fake MLM head). */
  readonly extra?: Record<string, SafetensorsInput>;
  /** Tensor names to leave out. */
  readonly omit?: readonly string[];
  /** Tensors to replace. */
  readonly replace?: Record<string, SafetensorsInput>;
  /** Another vocabulary of {@link TINY_VOCAB}'s length (default {@link TINY_VOCAB}). */
  readonly vocab?: readonly string[];
}

/** Writes a Hugging Face-style encoder directory (config.json, model.safetensors, vocab.txt) with Hugging Face's initialisation. */
export function writeTinyModel(dir: string, options: TinyModelOptions = {}): DistilBertConfig {
  const config = tinyConfig(options.config);
  writeRandomClassifierDir(dir, {
    config,
    encoderWeights: initDistilBertWeights(config, options.seed ?? 1),
    prefix: options.prefix ?? '',
    ...(options.extra ? { extra: options.extra } : {}),
    ...(options.replace ? { replace: options.replace } : {}),
    ...(options.omit ? { omit: options.omit } : {}),
    vocab: options.vocab ?? TINY_VOCAB,
    tokenizerFile: 'vocab.txt',
  });
  return config;
}
