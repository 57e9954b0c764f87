import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { labelsFromConfig } from './classifier-config';
import { parseDistilBertConfig, type DistilBertConfig } from './distilbert-config';
import { readJsonFile, writeJsonFile } from './json-file';
import { writeSafetensors, type SafetensorsInput } from './safetensors';

/** The configuration file of a Hugging Face-style model directory. */
export const CONFIG_FILE = 'config.json';
/** The weights file of a model directory (safetensors only: PyTorch pickles are never read). */
export const WEIGHTS_FILE = 'model.safetensors';

/**
 * Writes the files every saved model directory has: `model.safetensors` (float32, under the given names, metadata
 * `format: pt` as PyTorch writes it) and `config.json`, the latter through a temporary file so that readers never
 * see half of it. The directory is created when missing.
 *
 * @example
 * ```ts
 * writeModelDir('runs/dapt', tensors, { ...encoderConfigWithoutHead(config), architectures: ['DistilBertForMaskedLM'] });
 * ```
 */
export function writeModelDir(
  dir: string,
  tensors: ReadonlyMap<string, SafetensorsInput> | Readonly<Record<string, SafetensorsInput>>,
  config: Readonly<Record<string, unknown>>,
): void {
  mkdirSync(dir, { recursive: true });
  writeSafetensors(join(dir, WEIGHTS_FILE), tensors, { format: 'pt' });
  writeJsonFile(join(dir, CONFIG_FILE), config);
}

/** `config.json` of a classifier directory, read for a consumer that does not rebuild the head (export, tools). */
export interface ClassifierDirConfig {
  /** The file read. */
  readonly file: string;
  /** `config.json` as stored (the head block and unknown keys included). */
  readonly raw: Readonly<Record<string, unknown>>;
  /** The encoder's configuration, validated and with Hugging Face's defaults. */
  readonly config: DistilBertConfig;
  /** Labels in logit order (from `id2label`). */
  readonly labels: readonly string[];
}

/**
 * Reads and validates `config.json` of a classifier directory: the DistilBERT fields and the labels.
 *
 * @throws MangaAssistError `NOT_FOUND` naming the file when absent; `CHECKPOINT_INVALID` naming the file and field
 *   when it is not JSON, not a valid DistilBERT config or has no usable `id2label`
 *
 * @example
 * ```ts
 * const { config, labels } = readClassifierConfig('runs/quickstart/model');
 * ```
 */
export function readClassifierConfig(dir: string): ClassifierDirConfig {
  const file = join(dir, CONFIG_FILE);
  const raw = readJsonFile(file);
  return { file, raw, config: parseDistilBertConfig(raw, file), labels: labelsFromConfig(raw, file) };
}
