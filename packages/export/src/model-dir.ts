import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';
import { readClassifierConfig, readSafetensors, WEIGHTS_FILE } from '@mangaassist/model-format';
import { checkedDims, type DistilBertDims } from './distilbert-dims';
import { WeightSource } from './weight-source';

/** A fine-tuned Hugging Face-style model directory, read for export. */
export interface ClassifierModelDir {
  readonly dir: string;
  /** `config.json` as stored. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly dims: DistilBertDims;
  /** Labels in output order (from `id2label`). */
  readonly labels: readonly string[];
  readonly weights: WeightSource;
}

/**
 * Reads `config.json` (DistilBERT shapes and `id2label`, validated by `@mangaassist/model-format`) and
 * `model.safetensors` of a fine-tuned classifier.
 *
 * @example
 * ```ts
 * const model = readClassifierModelDir('runs/quickstart/model');
 * console.log(model.labels, model.dims.nLayers);
 * ```
 */
export function readClassifierModelDir(dir: string): ClassifierModelDir {
  const { file, raw, config, labels } = readClassifierConfig(dir);
  const weightsFile = join(dir, WEIGHTS_FILE);
  if (!existsSync(weightsFile)) throw new MangaAssistError('NOT_FOUND', `${weightsFile} does not exist`, { file: weightsFile });
  return { dir, config: raw, dims: checkedDims(config, file), labels, weights: new WeightSource(readSafetensors(weightsFile).tensors, weightsFile) };
}
