import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClassifier, initDistilBertWeights, type MultiLabelClassifier } from '@mangaassist/core-model';
import { BERT_SPECIAL_TOKENS, tinyDistilBertConfig, writeRandomClassifierDir } from '@mangaassist/model-format';

/** A saved random classifier (DistilBERT with dim 8 over `words`) and the loaded model that wrote it. */
export interface TinyClassifier {
  readonly dir: string;
  readonly model: MultiLabelClassifier;
}

/**
 * Writes a random tiny encoder over `words`, puts a classification head for `labels` on it and saves the classifier
 * to a fresh temporary directory, as training would: enough for pipelines that load a model directory.
 */
export async function saveTinyClassifier(words: readonly string[], labels: readonly string[]): Promise<TinyClassifier> {
  const root = mkdtempSync(join(tmpdir(), 'pipelines-tiny-'));
  const vocab = [...BERT_SPECIAL_TOKENS, ...words];
  const config = tinyDistilBertConfig({ vocab_size: vocab.length, dim: 8, n_heads: 2, hidden_dim: 16, n_layers: 1, max_position_embeddings: 16 });
  writeRandomClassifierDir(join(root, 'encoder'), { config, encoderWeights: initDistilBertWeights(config, 3), vocab, tokenizerFile: 'vocab.txt' });
  const model = await createClassifier(join(root, 'encoder'), { labels: [...labels], seed: 5 });
  const dir = join(root, 'model');
  await model.save(dir);
  return { dir, model };
}
