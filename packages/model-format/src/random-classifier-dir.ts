import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '@mangaassist/common';
import { CLASSIFIER_HEAD_TENSORS, classifierConfig, SEQUENCE_CLASSIFICATION_ARCHITECTURE, type HeadTensorNames } from './classifier-config';
import { tinyDistilBertConfig, type DistilBertConfig } from './distilbert-config';
import { DISTILBERT_PREFIX, distilBertWeightSpecs } from './distilbert-tensors';
import { writeModelDir } from './model-dir';
import type { SafetensorsInput, SafetensorsTensor } from './safetensors';
import { bertTokenizerJson, syntheticVocab } from './tokenizer-json';
import { TOKENIZER_FILE, VOCAB_FILE } from './wordpiece-tokenizer';

/** Options of {@link randomClassifierTensors}. */
export interface RandomTensorsOptions {
  /** Labels in logit order: with them, the two head Linears are added and the encoder gets the `distilbert.` prefix. */
  readonly labels?: readonly string[];
  /** Width of the head's hidden layer (default 16). */
  readonly headHidden?: number;
  /** Names of the head's Linears (default {@link CLASSIFIER_HEAD_TENSORS}); other names exercise readers that search. */
  readonly head?: HeadTensorNames;
  /** Seeds the random values (default 1): the same seed gives the same values. */
  readonly seed?: number;
  /** Standard deviation of the uniform random weights; default 0.02 (BERT's initialiser). */
  readonly std?: number;
  /**
   * Encoder weights by bare name to use instead of random values (e.g. `initDistilBertWeights(config, seed)` for
   * Hugging Face's initialisation); the head stays random.
   */
  readonly encoderWeights?: ReadonlyMap<string, Float32Array>;
  /** Prefix of the encoder tensor names; default `distilbert.` with labels, none without. */
  readonly prefix?: string;
  /** Encoder tensor names (bare) to leave out. */
  readonly omit?: readonly string[];
}

/** A float32 tensor, usable both as read ({@link SafetensorsTensor}) and to write ({@link SafetensorsInput}). */
export type Float32Tensor = SafetensorsTensor & { readonly dtype: 'F32'; readonly data: Float32Array };

/**
 * Random tensors with the names and shapes of a DistilBERT checkpoint for `config` (torch `[out, in]` Linear
 * weights), plus the two head Linears when `labels` are given: uniform values of standard deviation `std`,
 * LayerNorm γ = 1 and β = 0, drawn in state-dict order from a seeded generator.
 *
 * @example
 * ```ts
 * const tensors = randomClassifierTensors(tinyDistilBertConfig(), { labels: ['a', 'b'], std: 0.5 });
 * ```
 */
export function randomClassifierTensors(config: DistilBertConfig, options: RandomTensorsOptions = {}): Map<string, Float32Tensor> {
  const labels = options.labels;
  const prefix = options.prefix ?? (labels ? DISTILBERT_PREFIX : '');
  const random = createRng((options.seed ?? 1) >>> 0).next;
  const halfWidth = (options.std ?? 0.02) * Math.sqrt(3);
  const draw = (shape: readonly number[], fill?: number): Float32Tensor => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (fill !== undefined) data.fill(fill);
    else for (let i = 0; i < data.length; i++) data[i] = (random() * 2 - 1) * halfWidth;
    return { dtype: 'F32', shape, data };
  };
  const tensors = new Map<string, Float32Tensor>();
  for (const s of distilBertWeightSpecs(config)) {
    if (options.omit?.includes(s.name)) continue;
    const given = options.encoderWeights?.get(s.name);
    const tensor = given ? { dtype: 'F32' as const, shape: s.shape, data: given } : s.role === 'norm' ? draw(s.shape, s.init === 'ones' ? 1 : 0) : draw(s.shape);
    tensors.set(`${prefix}${s.name}`, tensor);
  }
  if (labels) {
    const head = options.head ?? CLASSIFIER_HEAD_TENSORS;
    const hidden = options.headHidden ?? 16;
    for (const [name, inputs, outputs] of [[head.hidden, config.dim, hidden], [head.output, hidden, labels.length]] as const) {
      tensors.set(`${name}.weight`, draw([outputs, inputs]));
      tensors.set(`${name}.bias`, draw([outputs]));
    }
  }
  return tensors;
}

/** Options of {@link writeRandomClassifierDir}. */
export interface RandomClassifierDirOptions extends RandomTensorsOptions {
  /** The encoder's shape; what is not given is {@link tinyDistilBertConfig}'s (dim 32, 2 layers, 2 heads). */
  readonly config?: Partial<DistilBertConfig>;
  /** The vocabulary (default {@link syntheticVocab} of the config's `vocab_size`). */
  readonly vocab?: readonly string[];
  /** `tokenizer.json` content to write instead of one built from `vocab`. */
  readonly tokenizerJson?: Record<string, unknown>;
  /** `tokenizer.json` (default) or only `vocab.txt`, for readers that build the tokenizer from the vocabulary. */
  readonly tokenizerFile?: typeof TOKENIZER_FILE | typeof VOCAB_FILE;
  /** Extra tensors written alongside (e.g. a fake MLM head), by full name. */
  readonly extra?: Readonly<Record<string, SafetensorsInput>>;
  /** Tensors to replace, by full name. */
  readonly replace?: Readonly<Record<string, SafetensorsInput>>;
}

/**
 * Writes a model directory with random weights ({@link randomClassifierTensors}), laid out as this project saves
 * one: `config.json` (DistilBERT keys with Hugging Face's defaults; with `labels`, the label maps, the multi-label
 * problem type and `DistilBertForSequenceClassification`; without, a bare `DistilBertModel`), `model.safetensors`
 * and the tokenizer. The one writer of tiny checkpoints for tests (a few kB) and of full-size ones for benchmarks
 * (speed needs shapes, not trained values). Returns `dir`.
 *
 * @example
 * ```ts
 * writeRandomClassifierDir('bench/model', { config: DISTILBERT_BASE_CONFIG, labels: ['frustration', 'neutral'], headHidden: 256 });
 * writeRandomClassifierDir('tmp/encoder', { config: { vocab_size: 24, dim: 8 }, vocab, tokenizerFile: 'vocab.txt' });
 * ```
 */
export function writeRandomClassifierDir(dir: string, options: RandomClassifierDirOptions = {}): string {
  const config = tinyDistilBertConfig(options.config);
  const labels = options.labels;
  const tensors = new Map<string, SafetensorsInput>(randomClassifierTensors(config, options));
  for (const [name, tensor] of Object.entries({ ...options.extra, ...options.replace })) tensors.set(name, tensor);
  const json = labels
    ? classifierConfig(config, { labels, architecture: SEQUENCE_CLASSIFICATION_ARCHITECTURE })
    : { ...config, architectures: ['DistilBertModel'] };
  writeModelDir(dir, tensors, json);
  const vocab = options.vocab ?? syntheticVocab(config.vocab_size);
  if ((options.tokenizerFile ?? TOKENIZER_FILE) === VOCAB_FILE) writeFileSync(join(dir, VOCAB_FILE), `${vocab.join('\n')}\n`);
  else writeFileSync(join(dir, TOKENIZER_FILE), JSON.stringify(options.tokenizerJson ?? bertTokenizerJson(vocab)));
  return dir;
}
