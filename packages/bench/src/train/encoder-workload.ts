import * as tf from '@tensorflow/tfjs-core';
import { geluErf, layerNorm as fusedLayerNorm } from '@mangaassist/fused-ops';
import type { BenchModel } from './bench-model';

/** Shape of a DistilBERT-style encoder plus classification head. */
export interface EncoderShape {
  readonly vocabSize: number;
  readonly maxPositions: number;
  readonly dim: number;
  readonly layers: number;
  readonly heads: number;
  readonly hiddenDim: number;
  readonly labels: number;
  /** Dropout rate in training passes (0 = off). */
  readonly dropout: number;
}

/** Options of {@link EncoderWorkload}. */
export interface EncoderWorkloadOptions {
  /** Seeds the random weights (default 1). */
  readonly seed?: number;
  /** Use {@link geluErf} and the fused layer norm instead of the composite ops a model writes by hand (default false). */
  readonly fusedOps?: boolean;
}

/** The stand-in model `mini-distilbert-mlm`: 4 layers, dim 256, 4 heads, FFN 1024, 30,522-token vocabulary. */
export const STAND_IN_SHAPE: EncoderShape = {
  vocabSize: 30522,
  maxPositions: 512,
  dim: 256,
  layers: 4,
  heads: 4,
  hiddenDim: 1024,
  labels: 6,
  dropout: 0,
};

const LAYER_NORM_EPS = 1e-12;

// TensorFlow.js variable names are global: each workload gets its own prefix.
let instances = 0;

interface LayerWeights {
  readonly [name: string]: tf.Variable;
}

/**
 * A DistilBERT-shaped classifier written directly in TensorFlow.js ops with random weights (no checkpoint, no
 * tokenizer): embeddings + positions + LayerNorm, attention with a padding mask, GELU feed-forward, [CLS] head.
 * It exercises the same kernels as the real model, so kernel work can be measured without shared assets.
 * Weights use PyTorch's `[out, in]` layout like the real encoder. `dispose()` frees its variables.
 *
 * @example
 * ```ts
 * const model = new EncoderWorkload(STAND_IN_SHAPE, { seed: 1 });
 * const logits = model.logits(ids, mask, true);
 * model.dispose();
 * ```
 */
export class EncoderWorkload implements BenchModel {
  readonly vocabSize: number;
  readonly labels: number;
  private readonly embeddings: LayerWeights;
  private readonly layerWeights: LayerWeights[];
  private readonly head: LayerWeights;
  private readonly fusedOps: boolean;

  constructor(
    readonly shape: EncoderShape,
    options: EncoderWorkloadOptions = {},
  ) {
    const seed = options.seed ?? 1;
    this.fusedOps = options.fusedOps ?? false;
    if (shape.dim % shape.heads !== 0) throw new RangeError(`shape.dim (${shape.dim}) must be divisible by shape.heads (${shape.heads})`);
    this.vocabSize = shape.vocabSize;
    this.labels = shape.labels;
    let next = seed;
    const prefix = `encoder-workload-${instances++}`;
    const normal = (name: string, dims: number[]) => tf.variable(tf.randomNormal(dims, 0, 0.02, 'float32', next++), true, `${prefix}/${name}`);
    const constant = (name: string, dims: number[], value: number) => tf.variable(tf.fill(dims, value), true, `${prefix}/${name}`);
    const { dim, hiddenDim } = shape;
    this.embeddings = {
      word: normal('word_embeddings', [shape.vocabSize, dim]),
      position: normal('position_embeddings', [shape.maxPositions, dim]),
      gamma: constant('embeddings_ln_gamma', [dim], 1),
      beta: constant('embeddings_ln_beta', [dim], 0),
    };
    this.layerWeights = Array.from({ length: shape.layers }, (_, l) => {
      const weights: Record<string, tf.Variable> = {};
      for (const lin of ['q', 'k', 'v', 'out']) {
        weights[`${lin}W`] = normal(`layer${l}_${lin}_w`, [dim, dim]);
        weights[`${lin}B`] = constant(`layer${l}_${lin}_b`, [dim], 0);
      }
      weights.ln1Gamma = constant(`layer${l}_ln1_gamma`, [dim], 1);
      weights.ln1Beta = constant(`layer${l}_ln1_beta`, [dim], 0);
      weights.ffn1W = normal(`layer${l}_ffn1_w`, [hiddenDim, dim]);
      weights.ffn1B = constant(`layer${l}_ffn1_b`, [hiddenDim], 0);
      weights.ffn2W = normal(`layer${l}_ffn2_w`, [dim, hiddenDim]);
      weights.ffn2B = constant(`layer${l}_ffn2_b`, [dim], 0);
      weights.ln2Gamma = constant(`layer${l}_ln2_gamma`, [dim], 1);
      weights.ln2Beta = constant(`layer${l}_ln2_beta`, [dim], 0);
      return weights;
    });
    this.head = {
      preW: normal('pre_classifier_w', [dim, dim]),
      preB: constant('pre_classifier_b', [dim], 0),
      clsW: normal('classifier_w', [shape.labels, dim]),
      clsB: constant('classifier_b', [shape.labels], 0),
    };
  }

  variableGroups(): tf.Variable[][] {
    return [Object.values(this.embeddings), ...this.layerWeights.map((w) => Object.values(w)), Object.values(this.head)];
  }

  logits(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const { dim, heads, dropout } = this.shape;
    const [batch, length] = inputIds.shape;
    const headDim = dim / heads;
    const drop = <T extends tf.Tensor>(x: T): T => (training && dropout > 0 ? (tf.dropout(x, dropout) as T) : x);
    const norm = (x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor) => (this.fusedOps ? fusedLayerNorm(x, gamma, beta, LAYER_NORM_EPS) : layerNorm(x, gamma, beta));
    const activation = (x: tf.Tensor2D) => (this.fusedOps ? geluErf(x) : gelu(x));
    return tf.tidy(() => {
      const e = this.embeddings;
      const words = tf.gather(e.word, tf.reshape(inputIds, [batch * length]));
      const positions = tf.slice(e.position, [0, 0], [length, dim]);
      const embedded = tf.reshape(tf.add(tf.reshape(words, [batch, length, dim]), positions), [batch * length, dim]) as tf.Tensor2D;
      let hidden: tf.Tensor2D = drop(norm(embedded, e.gamma, e.beta));
      const keep = tf.cast(attentionMask, 'float32');
      const maskBias = tf.reshape(tf.mul(tf.sub(1, keep), -1e9), [batch, 1, 1, length]);
      const toHeads = (x: tf.Tensor2D) => tf.transpose(tf.reshape(x, [batch, length, heads, headDim]), [0, 2, 1, 3]);
      for (const w of this.layerWeights) {
        const q = tf.mul(toHeads(linear(hidden, w.qW, w.qB)), 1 / Math.sqrt(headDim));
        const k = toHeads(linear(hidden, w.kW, w.kB));
        const v = toHeads(linear(hidden, w.vW, w.vB));
        const attention = drop(tf.softmax(tf.add(tf.matMul(q, k, false, true), maskBias), -1));
        const context = tf.reshape(tf.transpose(tf.matMul(attention, v), [0, 2, 1, 3]), [batch * length, dim]) as tf.Tensor2D;
        hidden = norm(tf.add(linear(context, w.outW, w.outB), hidden), w.ln1Gamma, w.ln1Beta);
        const inner = activation(linear(hidden, w.ffn1W, w.ffn1B));
        hidden = norm(tf.add(drop(linear(inner, w.ffn2W, w.ffn2B)), hidden), w.ln2Gamma, w.ln2Beta);
      }
      const cls = tf.reshape(tf.slice(tf.reshape(hidden, [batch, length, dim]), [0, 0, 0], [batch, 1, dim]), [batch, dim]) as tf.Tensor2D;
      const pooled = tf.relu(linear(cls, this.head.preW, this.head.preB));
      return linear(drop(pooled), this.head.clsW, this.head.clsB);
    });
  }

  dispose(): void {
    tf.dispose(this.variableGroups().flat());
  }
}

function linear(x: tf.Tensor2D, weight: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  return tf.add(tf.matMul(x, weight as tf.Tensor2D, false, true), bias);
}

function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LAYER_NORM_EPS))), gamma), beta);
}

function gelu(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}
