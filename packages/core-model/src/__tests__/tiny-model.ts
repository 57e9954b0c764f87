import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSafetensors, type SafetensorsInput } from '@mangaassist/common';
import { tinyDistilBertConfig, type DistilBertConfig } from '../distilbert-config';
import { distilBertWeightSpecs, initDistilBertWeights } from '../distilbert-weights';

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
}

/** Writes a Hugging Face-style directory (config.json, model.safetensors, vocab.txt) with random weights. */
export function writeTinyModel(dir: string, options: TinyModelOptions = {}): DistilBertConfig {
  mkdirSync(dir, { recursive: true });
  const config = tinyConfig(options.config);
  const weights = initDistilBertWeights(config, options.seed ?? 1);
  const tensors: Record<string, SafetensorsInput> = {};
  for (const spec of distilBertWeightSpecs(config)) {
    if (options.omit?.includes(spec.name)) continue;
    tensors[`${options.prefix ?? ''}${spec.name}`] = { shape: spec.shape, data: weights.get(spec.name)! };
  }
  Object.assign(tensors, options.extra, options.replace);
  writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, architectures: ['DistilBertModel'] }));
  writeFileSync(join(dir, 'vocab.txt'), `${TINY_VOCAB.join('\n')}\n`);
  return config;
}
