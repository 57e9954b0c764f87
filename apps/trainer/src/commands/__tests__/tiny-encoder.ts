import { initDistilBertWeights, tinyDistilBertConfig } from '@mangaassist/core-model';
import { BERT_SPECIAL_TOKENS, writeRandomClassifierDir } from '@mangaassist/model-format';

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
  const vocab = [...BERT_SPECIAL_TOKENS, ...words];
  const config = tinyDistilBertConfig({ vocab_size: vocab.length, dim: 8, n_heads: 2, hidden_dim: 16, n_layers: layers, max_position_embeddings: maxPositions });
  writeRandomClassifierDir(dir, { config, encoderWeights: initDistilBertWeights(config, 3), vocab, tokenizerFile: 'vocab.txt' });
}
