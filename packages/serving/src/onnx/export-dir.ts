import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';

/** The model precisions an exported directory may hold, and their files (transformers.js's layout). */
export const ONNX_MODEL_FILES = { fp32: 'onnx/model.onnx', int8: 'onnx/model_quantized.onnx' } as const;

/** One of the keys of {@link ONNX_MODEL_FILES}. */
export type OnnxPrecision = keyof typeof ONNX_MODEL_FILES;

/** What the serving classifier reads from an exported directory besides the ONNX graph. */
export interface ExportDirInfo {
  /** Labels in output order (`config.json` `id2label`). */
  readonly labels: readonly string[];
  /** Token limit: the training one (`mangaassist_head.max_length`) when recorded, else `max_position_embeddings` (default 512). */
  readonly maxLength: number;
  readonly tokenizerJson: Record<string, unknown>;
  readonly tokenizerConfig: Record<string, unknown>;
}

function readJson(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new MangaAssistError('NOT_FOUND', `${file} does not exist`, { file });
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (error) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${file}: not valid JSON (${(error as Error).message})`, { file });
  }
  throw new MangaAssistError('CHECKPOINT_INVALID', `${file}: expected a JSON object`, { file });
}

/**
 * Reads `config.json`, `tokenizer.json` and (optionally) `tokenizer_config.json` of an exported model directory.
 * Throws `NOT_FOUND` / `CHECKPOINT_INVALID` naming the file and field.
 *
 * @example
 * ```ts
 * const { labels, maxLength } = readExportDir('runs/quickstart/onnx');
 * ```
 */
export function readExportDir(dir: string): ExportDirInfo {
  const configFile = join(dir, 'config.json');
  const config = readJson(configFile);
  const id2label = config.id2label as Record<string, unknown> | undefined;
  const count = id2label && typeof id2label === 'object' ? Object.keys(id2label).length : 0;
  const labels = Array.from({ length: count }, (_, i) => id2label![String(i)]);
  if (count === 0 || !labels.every((l): l is string => typeof l === 'string' && l.length > 0)) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${configFile}: "id2label" must map "0".."n-1" to label names`, {
      file: configFile,
      field: 'id2label',
    });
  }
  const maxPositions = config.max_position_embeddings ?? 512;
  if (!Number.isInteger(maxPositions) || (maxPositions as number) < 2) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${configFile}: "max_position_embeddings" must be an integer >= 2`, {
      file: configFile,
      field: 'max_position_embeddings',
    });
  }
  // Texts are cut where training cut them: core-model records its token limit under `mangaassist_head`.
  const trained = (config.mangaassist_head as { max_length?: unknown } | undefined)?.max_length;
  const maxLength = Number.isInteger(trained) && (trained as number) >= 2 ? Math.min(trained as number, maxPositions as number) : (maxPositions as number);
  const tokenizerConfigFile = join(dir, 'tokenizer_config.json');
  return {
    labels,
    maxLength,
    tokenizerJson: readJson(join(dir, 'tokenizer.json')),
    tokenizerConfig: existsSync(tokenizerConfigFile) ? readJson(tokenizerConfigFile) : {},
  };
}
