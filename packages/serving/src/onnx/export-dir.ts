import { join } from 'node:path';
import type { WordPieceView } from '../attribution/words';
import {
  CONFIG_FILE,
  headMaxLength,
  labelsFromConfig,
  modelIdFromConfig,
  parseDistilBertConfig,
  readJsonFile,
  readShippedThresholds,
  WordPieceTokenizer,
} from '@mangaassist/model-format';

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
  /** The model's tokenizer (`tokenizer.json` + `tokenizer_config.json`). */
  readonly tokenizer: WordPieceTokenizer;
  /** The model's id from its metadata (`config.json` → `mangaassist_model_id`); `undefined` when not recorded. */
  readonly modelId: string | undefined;
  /**
   * The thresholds calibrated for this model (`thresholds.json`, label → threshold); empty when the directory has
   * none, or when the file is the exporter's placeholder (strategy `default`: the same value for every label, not
   * calibrated), so that the server's configured default applies and is reported as such.
   */
  readonly thresholds: Readonly<Record<string, number>>;
}

/** The `strategy` of a `thresholds.json` the export writes when no calibrated file exists. */
const PLACEHOLDER_STRATEGY = 'default';

/**
 * Reads `config.json`, the tokenizer files and `thresholds.json` (optional) of an exported model directory, through
 * the format's readers (the same ones training, calibration and the export use).
 *
 * @throws MangaAssistError `NOT_FOUND` / `CHECKPOINT_INVALID` naming the file and field; `DATA_INVALID` naming the
 *   field when `thresholds.json` exists but is malformed or names a label the model does not have
 *
 * @example
 * ```ts
 * const { labels, maxLength, tokenizer, modelId, thresholds } = readExportDir('runs/quickstart/onnx');
 * ```
 */
export function readExportDir(dir: string): ExportDirInfo {
  const configFile = join(dir, CONFIG_FILE);
  const config = readJsonFile(configFile);
  const labels = labelsFromConfig(config, configFile);
  const maxPositions = parseDistilBertConfig(config, configFile).max_position_embeddings;
  // Texts are cut where training cut them: core-model records its token limit in the head block.
  const maxLength = headMaxLength(config, maxPositions) ?? maxPositions;
  const shipped = readShippedThresholds(dir, labels);
  return {
    labels,
    maxLength,
    tokenizer: WordPieceTokenizer.fromDirectory(dir),
    modelId: modelIdFromConfig(config, configFile),
    thresholds: shipped && shipped.strategy !== PLACEHOLDER_STRATEGY ? shipped.thresholds : {},
  };
}

/**
 * The word pieces a classifier with this tokenizer and token limit reads, for word attributions.
 *
 * @example
 * ```ts
 * const { tokenizer, maxLength } = readExportDir(dir);
 * wordPieceView(tokenizer, maxLength).pieces("don't"); // ['don', "'", 't']
 * ```
 */
export function wordPieceView(tokenizer: WordPieceTokenizer, maxLength: number): WordPieceView {
  return { pieces: (text) => tokenizer.encode(text).tokens.slice(1, -1), maxPieces: maxLength - 2 };
}
