import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSafetensors } from '@mangaassist/common';
import { distilBertWeightSpecs, initDistilBertWeights, tinyDistilBertConfig } from '@mangaassist/core-model';

/** Shape of the tiny random encoder; words become the vocabulary after the five special tokens. */
export interface TinyEncoderOptions {
  readonly words: readonly string[];
  readonly layers?: number;
  readonly maxPositions?: number;
}

/**
 * Writes a random DistilBERT (dim 8) over a tiny vocabulary as a Hugging Face directory that `createClassifier`
 * loads: config.json, model.safetensors and vocab.txt (the tokenizer is built from the vocabulary).
 */
export function writeTinyEncoder(dir: string, { words, layers = 2, maxPositions = 16 }: TinyEncoderOptions): void {
  mkdirSync(dir, { recursive: true });
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...words];
  const config = tinyDistilBertConfig({ vocab_size: vocab.length, dim: 8, n_heads: 2, hidden_dim: 16, n_layers: layers, max_position_embeddings: maxPositions });
  const weights = initDistilBertWeights(config, 3);
  writeSafetensors(
    join(dir, 'model.safetensors'),
    Object.fromEntries(distilBertWeightSpecs(config).map((s) => [s.name, { shape: s.shape, data: weights.get(s.name)! }])),
    { format: 'pt' },
  );
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, architectures: ['DistilBertModel'] }));
  writeFileSync(join(dir, 'vocab.txt'), `${vocab.join('\n')}\n`);
}
