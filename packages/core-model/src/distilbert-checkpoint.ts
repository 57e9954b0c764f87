import { MangaAssistError } from '@mangaassist/common';
import { DISTILBERT_PREFIX, distilBertWeightSpecs, readSafetensors, type DistilBertConfig, type SafetensorsTensor } from '@mangaassist/model-format';
import { sinusoidalPositions } from './distilbert-weights';
import type { NewTokensReport } from './new-tokens';

/** What loading a checkpoint found. */
export interface CheckpointReport {
  /** The safetensors file read. */
  readonly file: string;
  /** `distilbert.` when encoder tensors carried the prefix (a model with a head), else `''` (a bare encoder). */
  readonly prefix: string;
  /** Encoder tensors loaded, by bare name. */
  readonly loaded: readonly string[];
  /**
   * Tensors of the file that are not part of the encoder, by their name in the file: the heads of
   * `DistilBertForMaskedLM` (`vocab_transform`, `vocab_layer_norm`, `vocab_projector`) or of a classifier, and
   * buffers such as `embeddings.position_ids`.
   */
  readonly ignored: readonly string[];
  /** Encoder tensors absent from the file but derivable (fixed sinusoidal positions), computed instead. */
  readonly computed: readonly string[];
  /** What `newTokens` added to the vocabulary, on a classifier built with them (`createClassifier`). */
  readonly newTokens?: NewTokensReport;
  /** What `textReplacements` added to the tokenizer's normaliser, on a classifier built with them (`createClassifier`). */
  readonly textReplacements?: { readonly added: number; readonly present: number };
}

/** Encoder weights read from a checkpoint, with the report of what was found. */
export interface EncoderCheckpoint {
  readonly weights: Map<string, Float32Array>;
  readonly report: CheckpointReport;
}

function fail(file: string, message: string, details: Record<string, unknown>): MangaAssistError {
  return new MangaAssistError('CHECKPOINT_INVALID', `${file}: ${message}`, { file, ...details });
}

/**
 * Picks the encoder tensors out of a safetensors state dict, with or without the `distilbert.` prefix (bare
 * `DistilBertModel`, `DistilBertForMaskedLM`, `DistilBertForSequenceClassification` all load). Every tensor
 * the config requires must be present with exactly its shape; other tensors are reported as ignored.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming the file and each missing tensor, or the tensor with a
 *   wrong shape or a non-float dtype
 *
 * @example
 * ```ts
 * const { weights, report } = encoderWeightsFromTensors(readSafetensors(file).tensors, config, file);
 * console.log(report.ignored); // ['vocab_layer_norm.bias', …] for an MLM checkpoint
 * ```
 */
export function encoderWeightsFromTensors(
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  config: DistilBertConfig,
  file: string,
): EncoderCheckpoint {
  const prefixed = [...tensors.keys()].some((name) => name.startsWith(`${DISTILBERT_PREFIX}embeddings.`));
  const prefix = prefixed ? DISTILBERT_PREFIX : '';
  const weights = new Map<string, Float32Array>();
  const used = new Set<string>();
  const missing: { name: string; shape: readonly number[] }[] = [];
  const computed: string[] = [];
  for (const s of distilBertWeightSpecs(config)) {
    const key = `${prefix}${s.name}`;
    const tensor = tensors.get(key);
    if (!tensor) {
      if (s.init === 'sinusoidal') {
        weights.set(s.name, sinusoidalPositions(s.shape[0]!, s.shape[1]!));
        computed.push(s.name);
      } else {
        missing.push({ name: key, shape: s.shape });
      }
      continue;
    }
    if (!(tensor.data instanceof Float32Array)) {
      throw fail(file, `tensor "${key}" has dtype ${tensor.dtype}; a floating-point dtype (F32, F16, BF16) is required`, {
        tensor: key,
      });
    }
    if (tensor.shape.length !== s.shape.length || tensor.shape.some((d, i) => d !== s.shape[i])) {
      throw fail(
        file,
        `tensor "${key}" has shape [${tensor.shape.join(', ')}] but the config (dim ${config.dim}, hidden_dim ` +
          `${config.hidden_dim}, vocab_size ${config.vocab_size}, max_position_embeddings ` +
          `${config.max_position_embeddings}) requires [${s.shape.join(', ')}]`,
        { tensor: key, shape: [...tensor.shape], expected: [...s.shape] },
      );
    }
    weights.set(s.name, tensor.data);
    used.add(key);
  }
  if (missing.length > 0) {
    const list = missing.map((m) => `"${m.name}" [${m.shape.join(', ')}]`).join(', ');
    throw fail(
      file,
      `missing tensor${missing.length > 1 ? 's' : ''} for a DistilBERT encoder with n_layers ${config.n_layers}: ${list}`,
      { tensor: missing[0]!.name, missing: missing.map((m) => m.name) },
    );
  }
  const ignored = [...tensors.keys()].filter((name) => !used.has(name));
  return { weights, report: { file, prefix, loaded: [...weights.keys()].filter((n) => !computed.includes(n)), ignored, computed } };
}

/**
 * Reads `model.safetensors` (or any safetensors file) and returns the encoder weights for `config`.
 *
 * @example
 * ```ts
 * const { weights, report } = readDistilBertCheckpoint('../shared/models/mini-distilbert-mlm/model.safetensors', config);
 * const encoder = new DistilBertEncoder(config, weights);
 * ```
 */
export function readDistilBertCheckpoint(file: string, config: DistilBertConfig): EncoderCheckpoint {
  return encoderWeightsFromTensors(readSafetensors(file).tensors, config, file);
}
