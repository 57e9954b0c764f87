import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MangaAssistError, readSafetensors } from '@mangaassist/common';
import { distilBertDims, type DistilBertDims } from './distilbert-config';
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
 * Reads and parses a JSON file, throwing `NOT_FOUND` or `CHECKPOINT_INVALID` naming the file.
 *
 * @example
 * ```ts
 * const config = readJsonFile('runs/model/config.json');
 * ```
 */
export function readJsonFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new MangaAssistError('NOT_FOUND', `${file} does not exist`, { file });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${file}: not valid JSON (${(error as Error).message})`, { file });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${file}: expected a JSON object`, { file });
  }
  return parsed as Record<string, unknown>;
}

/**
 * Labels in output order from a config's `id2label` (keys `"0"`…`"n-1"`, each exactly once).
 *
 * @example
 * ```ts
 * labelsFromConfig({ id2label: { 0: 'frustration', 1: 'neutral' } }, 'config.json'); // ['frustration', 'neutral']
 * ```
 */
export function labelsFromConfig(config: Readonly<Record<string, unknown>>, file: string): string[] {
  const raw = config.id2label;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || Object.keys(raw).length === 0) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${file}: "id2label" must map "0".."n-1" to label names`, {
      file,
      field: 'id2label',
    });
  }
  const entries = raw as Record<string, unknown>;
  const count = Object.keys(entries).length;
  return Array.from({ length: count }, (_, i) => {
    const label = entries[String(i)];
    if (typeof label !== 'string' || label.length === 0) {
      throw new MangaAssistError(
        'CHECKPOINT_INVALID',
        `${file}: "id2label" must have a label name for every id 0..${count - 1}; id ${i} is ${JSON.stringify(label)}`,
        { file, field: `id2label.${i}` },
      );
    }
    return label;
  });
}

/**
 * Reads `config.json` (DistilBERT shapes and `id2label`) and `model.safetensors` of a fine-tuned classifier.
 *
 * @example
 * ```ts
 * const model = readClassifierModelDir('runs/quickstart/model');
 * console.log(model.labels, model.dims.nLayers);
 * ```
 */
export function readClassifierModelDir(dir: string): ClassifierModelDir {
  const configFile = join(dir, 'config.json');
  const config = readJsonFile(configFile);
  const weightsFile = join(dir, 'model.safetensors');
  if (!existsSync(weightsFile)) throw new MangaAssistError('NOT_FOUND', `${weightsFile} does not exist`, { file: weightsFile });
  return {
    dir,
    config,
    dims: distilBertDims(config, configFile),
    labels: labelsFromConfig(config, configFile),
    weights: new WeightSource(readSafetensors(weightsFile).tensors, weightsFile),
  };
}
