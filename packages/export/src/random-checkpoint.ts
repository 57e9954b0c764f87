import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BERT_SPECIAL_TOKENS, bertTokenizerJson, createRng, writeSafetensors, type SafetensorsTensor } from '@mangaassist/common';
import type { DistilBertDims } from './distilbert-config';
import type { HeadTensorNames } from './graph/build-model';

/** The shapes of distilbert-base-uncased (66 M parameters). */
export const DISTILBERT_BASE_DIMS: DistilBertDims = {
  dim: 768,
  nLayers: 6,
  nHeads: 12,
  hiddenDim: 3072,
  vocabSize: 30522,
  maxPositions: 512,
  activation: 'gelu',
  layerNormEps: 1e-12,
};

/** Options of {@link randomClassifierTensors}. */
export interface RandomCheckpointOptions {
  readonly numLabels: number;
  readonly headHidden: number;
  readonly head: HeadTensorNames;
  readonly seed?: number;
  /** Standard deviation of the weights; default 0.02 (BERT's initialiser). */
  readonly std?: number;
}

/**
 * Random weights with the tensor names and shapes of a Hugging Face `DistilBertForSequenceClassification`-style
 * checkpoint (prefix `distilbert.`, torch `[out, in]` Linear weights) plus the two head Linears: uniform values of
 * standard deviation `std` (0.02 by default, like BERT's initialiser), LayerNorm γ = 1 and β = 0. Speed measurements need the shapes,
 * not trained values.
 *
 * @example
 * ```ts
 * const tensors = randomClassifierTensors(DISTILBERT_BASE_DIMS, { numLabels: 6, headHidden: 256, head });
 * writeSafetensors('bench/model.safetensors', new Map([...tensors].map(([k, t]) => [k, t])));
 * ```
 */
export function randomClassifierTensors(dims: DistilBertDims, options: RandomCheckpointOptions): Map<string, SafetensorsTensor> {
  // Seeded, so two runs of a benchmark build the same weights.
  const random = createRng((options.seed ?? 1) >>> 0).next;
  const halfWidth = (options.std ?? 0.02) * Math.sqrt(3);
  const tensors = new Map<string, SafetensorsTensor>();
  const add = (name: string, shape: number[], fill?: number) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count);
    if (fill !== undefined) data.fill(fill);
    else for (let i = 0; i < count; i++) data[i] = (random() * 2 - 1) * halfWidth;
    tensors.set(name, { dtype: 'F32', shape, data });
  };
  const linear = (name: string, inF: number, outF: number) => {
    add(`${name}.weight`, [outF, inF]);
    add(`${name}.bias`, [outF]);
  };
  const norm = (name: string, size: number) => {
    add(`${name}.weight`, [size], 1);
    add(`${name}.bias`, [size], 0);
  };
  const { dim, hiddenDim } = dims;
  add('distilbert.embeddings.word_embeddings.weight', [dims.vocabSize, dim]);
  add('distilbert.embeddings.position_embeddings.weight', [dims.maxPositions, dim]);
  norm('distilbert.embeddings.LayerNorm', dim);
  for (let i = 0; i < dims.nLayers; i++) {
    const p = `distilbert.transformer.layer.${i}`;
    for (const lin of ['q_lin', 'k_lin', 'v_lin', 'out_lin']) linear(`${p}.attention.${lin}`, dim, dim);
    norm(`${p}.sa_layer_norm`, dim);
    linear(`${p}.ffn.lin1`, dim, hiddenDim);
    linear(`${p}.ffn.lin2`, hiddenDim, dim);
    norm(`${p}.output_layer_norm`, dim);
  }
  linear(options.head.hidden, dim, options.headHidden);
  linear(options.head.output, options.headHidden, options.numLabels);
  return tensors;
}

/**
 * A Hugging Face `tokenizer.json` for a BERT-style uncased WordPiece vocabulary (BERT normaliser, pre-tokenizer,
 * `[CLS] … [SEP]` post-processing). The vocabulary must contain the five BERT special tokens.
 *
 * @example
 * ```ts
 * const json = wordPieceTokenizerJson(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'where', 'is', 'my', 'order']);
 * ```
 */
export function wordPieceTokenizerJson(vocab: readonly string[]): Record<string, unknown> {
  for (const t of BERT_SPECIAL_TOKENS) if (!vocab.includes(t)) throw new RangeError(`vocab must contain ${t}`);
  return bertTokenizerJson(vocab);
}

/**
 * A vocabulary of `size` entries: the BERT special tokens, then `w5`, `w6`, … (one token per word), for
 * benchmarks that need a tokenizer of the right size but no real text.
 *
 * @example
 * ```ts
 * syntheticVocab(30522).length; // 30522
 * ```
 */
export function syntheticVocab(size: number): string[] {
  if (!Number.isInteger(size) || size < BERT_SPECIAL_TOKENS.length) throw new RangeError(`size must be an integer >= 5, got ${size}`);
  return [...BERT_SPECIAL_TOKENS, ...Array.from({ length: size - BERT_SPECIAL_TOKENS.length }, (_, i) => `w${i + BERT_SPECIAL_TOKENS.length}`)];
}

/** Options of {@link writeRandomClassifierDir}. */
export interface RandomClassifierDirOptions extends Omit<RandomCheckpointOptions, 'numLabels'> {
  readonly dims: DistilBertDims;
  readonly labels: readonly string[];
  /** `tokenizer.json` content; its vocabulary size must be `dims.vocabSize`. */
  readonly tokenizerJson: Record<string, unknown>;
}

/**
 * Writes a fine-tuned-classifier directory with random weights, as `train` would lay it out: config.json
 * (DistilBERT keys, `id2label`, multi-label problem type), model.safetensors and tokenizer.json. For benchmarks
 * (speed needs shapes, not trained values) and tests.
 *
 * @example
 * ```ts
 * writeRandomClassifierDir('bench/model', {
 *   dims: DISTILBERT_BASE_DIMS, labels: ['frustration', 'neutral'], headHidden: 256,
 *   head: { hidden: 'pre_classifier', output: 'classifier' }, tokenizerJson: wordPieceTokenizerJson(syntheticVocab(30522)),
 * });
 * ```
 */
export function writeRandomClassifierDir(dir: string, options: RandomClassifierDirOptions): string {
  const { dims, labels } = options;
  mkdirSync(dir, { recursive: true });
  const tensors = randomClassifierTensors(dims, { ...options, numLabels: labels.length });
  writeSafetensors(join(dir, 'model.safetensors'), new Map([...tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data as Float32Array }])), {
    format: 'pt',
  });
  const config = {
    architectures: ['DistilBertForSequenceClassification'],
    model_type: 'distilbert',
    activation: dims.activation,
    dim: dims.dim,
    n_layers: dims.nLayers,
    n_heads: dims.nHeads,
    hidden_dim: dims.hiddenDim,
    vocab_size: dims.vocabSize,
    max_position_embeddings: dims.maxPositions,
    pad_token_id: 0,
    id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
    problem_type: 'multi_label_classification',
  };
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(options.tokenizerJson));
  return dir;
}
