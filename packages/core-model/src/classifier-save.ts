import type * as tf from '@tensorflow/tfjs-core';
import { classifierConfig, type SavedHead } from '@mangaassist/model-format';
import { writeModelFiles } from './model-files';
import type { MultiLabelClassifier } from './multi-label-classifier';

/**
 * The head block (`mangaassist_head`) that describes `model`'s head in `config.json`.
 *
 * @example
 * ```ts
 * savedHeadOf(model); // { hidden_dim: 256, inner_dropout: 0.1, max_length: 128, pooling: 'cls' }
 * ```
 */
export function savedHeadOf(model: MultiLabelClassifier): SavedHead {
  const wide = model.head.wide;
  return {
    hidden_dim: model.head.hiddenDim,
    inner_dropout: model.head.innerDropout,
    max_length: model.maxLength,
    pooling: model.head.pooling,
    // Only when on: a head without the wide part saves exactly what it saved before the option existed.
    ...(wide ? { wide: { buckets: wide.buckets, bigrams: wide.bigrams, lr_multiplier: wide.lrMultiplier } } : {}),
    ...(model.ngramEnsemble ? { ngram_ensemble: model.ngramEnsemble } : {}),
  };
}

/**
 * Writes `model` as a Hugging Face-style directory (see {@link MultiLabelClassifier.save}).
 *
 * @example
 * ```ts
 * await saveClassifier(model, 'runs/train/best');
 * ```
 */
export async function saveClassifier(model: MultiLabelClassifier, dir: string): Promise<void> {
  const encoderConfig = { ...model.encoder.config, seq_classif_dropout: model.head.dropout };
  const tensors = new Map<string, tf.Tensor>([...model.namedVariables(), ...model.ngramEnsembleTensorsByName()]);
  await writeModelFiles(dir, tensors, classifierConfig(encoderConfig, { labels: model.labels, head: savedHeadOf(model) }));
  model.tokenizer.save(dir);
}
