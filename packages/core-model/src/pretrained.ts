import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MangaAssistError } from '@mangaassist/common';
import { CONFIG_FILE, DISTILBERT_WORD_EMBEDDINGS, readJsonFile, WEIGHTS_FILE, withTextReplacements, WordPieceTokenizer, type DistilBertConfig, type TextReplacement } from '@mangaassist/model-format';
import type { CheckpointReport } from './distilbert-checkpoint';
import type { DistilBertEncoder, EncoderOptions } from './distilbert-encoder';
import { resolvePretrainedDir, type HubOptions } from './hub-download';
import { modelFamilyFor, type ModelFamily } from './model-registry';
import { addTokensToVocabulary, type NewToken, type NewTokensReport } from './new-tokens';

/** A pretrained encoder with its tokenizer and what loading found. */
export interface PretrainedEncoder {
  /** The local directory the model was read from (the cache folder for a hub id). */
  readonly dir: string;
  readonly config: DistilBertConfig;
  readonly family: ModelFamily;
  readonly encoder: DistilBertEncoder;
  readonly tokenizer: WordPieceTokenizer;
  /** Tensors loaded, ignored (e.g. the MLM head) and computed, by name. */
  readonly report: CheckpointReport;
  /** What `newTokens` added to the vocabulary; absent when none were asked for. */
  readonly newTokens?: NewTokensReport;
  /** What `textReplacements` added to the tokenizer's normaliser; absent when none were asked for. */
  readonly textReplacements?: { readonly added: number; readonly present: number };
}

/** Options of {@link fromPretrained}. */
export type FromPretrainedOptions = HubOptions &
  EncoderOptions & {
    /**
     * Tokens to add to the vocabulary in its reserved `[unusedN]` slots, most important first, each embedding row
     * initialised from words that describe it ({@link addTokensToVocabulary}); `emojiTokens` gives the emoji.
     */
    readonly newTokens?: readonly NewToken[];
    /**
     * Literal rewrites put at the front of the tokenizer's normaliser (`withTextReplacements` of
     * `@mangaassist/model-format`), saved with the model's `tokenizer.json`; `emojiNameReplacements` writes emoji as
     * their names.
     */
    readonly textReplacements?: readonly TextReplacement[];
  };

/**
 * Fails early, with the fix, when no TensorFlow.js backend is registered (variables could not be created).
 *
 * @example
 * ```ts
 * assertTfjsBackend('fromPretrained');
 * ```
 */
export function assertTfjsBackend(caller: string): void {
  if (tf.engine().backendNames().length === 0) {
    throw new MangaAssistError(
      'BACKEND_UNAVAILABLE',
      `${caller}: no TensorFlow.js backend is registered; call selectTfjsBackend() from @mangaassist/runtime-tfjs first`,
    );
  }
}

/**
 * Reads and validates `config.json` of a model directory and finds its family by `model_type`.
 *
 * @example
 * ```ts
 * const { raw, family, config } = readModelConfig('../shared/models/mini-distilbert-mlm');
 * ```
 */
export function readModelConfig(dir: string): { raw: Record<string, unknown>; family: ModelFamily; config: DistilBertConfig } {
  const file = join(dir, CONFIG_FILE);
  const raw = readJsonFile(file);
  const family = modelFamilyFor(raw, file);
  return { raw, family, config: family.parseConfig(raw, file) };
}

/**
 * The weights file of a model directory.
 *
 * @throws MangaAssistError `NOT_FOUND` naming the file (and saying when only a PyTorch pickle is present)
 */
export function weightsFile(dir: string): string {
  const file = join(dir, WEIGHTS_FILE);
  if (existsSync(file)) return file;
  const pickle = existsSync(join(dir, 'pytorch_model.bin'));
  throw new MangaAssistError(
    'NOT_FOUND',
    `${file}: not found${pickle ? ' (pytorch_model.bin is present but only safetensors are read; convert it with save_pretrained(safe_serialization=True))' : ''}`,
    { file },
  );
}

/**
 * Fails when the tokenizer can produce ids beyond the embedding table (a tokenizer from another model).
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming the directory and both sizes
 */
export function checkVocabulary(tokenizer: WordPieceTokenizer, config: DistilBertConfig, dir: string): void {
  if (tokenizer.vocabSize > config.vocab_size) {
    throw new MangaAssistError(
      'CHECKPOINT_INVALID',
      `${dir}: the tokenizer has ${tokenizer.vocabSize} tokens but config.json vocab_size is ${config.vocab_size}`,
      { dir, field: 'vocab_size' },
    );
  }
}

/**
 * Loads a pretrained encoder and its tokenizer from a Hugging Face directory (`config.json`, `model.safetensors`,
 * `tokenizer.json` or `vocab.txt`) or a hub id downloaded once into the cache. Bare encoders and models with a
 * head (`DistilBertForMaskedLM`, `DistilBertForSequenceClassification`) load alike; head tensors are reported
 * in `report.ignored`. A TensorFlow.js backend must be selected first.
 *
 * @example
 * ```ts
 * await selectTfjsBackend();
 * const { encoder, tokenizer, report } = await fromPretrained('../shared/models/mini-distilbert-mlm');
 * console.log(report.ignored); // the MLM head: vocab_layer_norm.bias, vocab_layer_norm.weight, …
 * ```
 */
export async function fromPretrained(idOrDir: string, options: FromPretrainedOptions = {}): Promise<PretrainedEncoder> {
  assertTfjsBackend('fromPretrained');
  const dir = await resolvePretrainedDir(idOrDir, options);
  const { family, config } = readModelConfig(dir);
  const { weights, report } = family.readCheckpoint(weightsFile(dir), config);
  const saved = WordPieceTokenizer.fromDirectory(dir);
  checkVocabulary(saved, config, dir);
  const rewritten = options.textReplacements?.length ? withTextReplacements(saved.json, options.textReplacements) : undefined;
  const original = rewritten ? new WordPieceTokenizer(rewritten.json, saved.config) : saved;
  const added = options.newTokens?.length
    ? addTokensToVocabulary(original, weights.get(DISTILBERT_WORD_EMBEDDINGS) as Float32Array, config.dim, options.newTokens)
    : undefined;
  const encoder = family.createEncoder(config, weights, options);
  return {
    dir,
    config,
    family,
    encoder,
    tokenizer: added?.tokenizer ?? original,
    report,
    ...(added ? { newTokens: added.report } : {}),
    ...(rewritten ? { textReplacements: { added: rewritten.added, present: rewritten.present } } : {}),
  };
}
