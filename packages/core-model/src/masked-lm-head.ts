import * as tf from '@tensorflow/tfjs-core';
import { DISTILBERT_LAYER_NORM_EPS, type DistilBertConfig, type WeightSpec } from '@mangaassist/model-format';
import { ACTIVATIONS, layerNorm, linear } from './layers';
import { SeededRandom } from './prng';
import { makeVariable, newVariableScope } from './variable-scope';

/**
 * Name of the projector's weight in Hugging Face's `DistilBertForMaskedLM`. It is tied to
 * `distilbert.embeddings.word_embeddings.weight` (`tie_word_embeddings: true`), so `save_pretrained` leaves it out
 * of `model.safetensors` and so do we.
 */
export const TIED_PROJECTOR_WEIGHT = 'vocab_projector.weight';

/**
 * The tensors of DistilBERT's masked-LM head that are its own (the projector's weight is the word embedding table),
 * named as in `DistilBertForMaskedLM`'s state dict: transform `dim → dim`, GELU, LayerNorm (eps 1e-12), projector bias.
 *
 * @example
 * ```ts
 * maskedLmHeadSpecs(config).map((s) => s.name);
 * // ['vocab_transform.weight', 'vocab_transform.bias', 'vocab_layer_norm.weight', 'vocab_layer_norm.bias', 'vocab_projector.bias']
 * ```
 */
export function maskedLmHeadSpecs(config: DistilBertConfig): WeightSpec[] {
  const spec = (name: string, shape: number[], init: WeightSpec['init']): WeightSpec => ({
    name,
    shape,
    layer: undefined,
    trainable: true,
    init,
    role: init === 'ones' || name.startsWith('vocab_layer_norm.') ? 'norm' : 'linear',
  });
  return [
    spec('vocab_transform.weight', [config.dim, config.dim], 'normal'),
    spec('vocab_transform.bias', [config.dim], 'zeros'),
    spec('vocab_layer_norm.weight', [config.dim], 'ones'),
    spec('vocab_layer_norm.bias', [config.dim], 'zeros'),
    spec('vocab_projector.bias', [config.vocab_size], 'zeros'),
  ];
}

/**
 * A fresh head as Hugging Face initialises one (normal with `initializer_range` for the transform, LayerNorm ones
 * and zeros, zero biases), from `seed`: for checkpoints that have no MLM head (a bare encoder, a fine-tuned
 * classifier).
 *
 * @example
 * ```ts
 * const headWeights = initMaskedLmHeadWeights(config, 42);
 * ```
 */
export function initMaskedLmHeadWeights(config: DistilBertConfig, seed: number): Map<string, Float32Array> {
  const rng = new SeededRandom(seed);
  const weights = new Map<string, Float32Array>();
  for (const s of maskedLmHeadSpecs(config)) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    weights.set(s.name, s.init === 'ones' ? new Float32Array(size).fill(1) : s.init === 'normal' ? rng.normalArray(size, config.initializer_range) : new Float32Array(size));
  }
  return weights;
}

/**
 * DistilBERT's masked-LM head: `vocab_projector(vocab_layer_norm(act(vocab_transform(h))))`, the projector's weight
 * being the word embedding table it is given (one variable: the tie holds through training). Applied only to the
 * hidden states of the masked positions, so the `vocab_size`-wide product costs `masked × vocab × dim` instead of
 * `batch × length × vocab × dim`.
 *
 * @example
 * ```ts
 * const head = new MaskedLmHead(config, initMaskedLmHeadWeights(config, 1), encoder.variables.get('embeddings.word_embeddings.weight')!);
 * const logits = head.apply(hiddenAtMasked); // [masked, vocab_size]
 * head.dispose(); // the embedding table belongs to the encoder and stays
 * ```
 */
export class MaskedLmHead {
  /** The head's own variables by Hugging Face tensor name (see {@link maskedLmHeadSpecs}). */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  private readonly activation: (x: tf.Tensor) => tf.Tensor;
  private disposed = false;

  /**
   * @param wordEmbeddings - the encoder's `[vocab_size, dim]` table, used as the projector's weight
   * @throws RangeError when a weight is missing or has the wrong number of values, or the table's shape is wrong
   */
  constructor(
    readonly config: DistilBertConfig,
    weights: ReadonlyMap<string, Float32Array>,
    readonly wordEmbeddings: tf.Variable,
  ) {
    if (wordEmbeddings.shape.join() !== [config.vocab_size, config.dim].join()) {
      throw new RangeError(`wordEmbeddings must be [${config.vocab_size}, ${config.dim}], got [${wordEmbeddings.shape}]`);
    }
    this.activation = ACTIVATIONS[config.activation];
    const scope = newVariableScope('mlm_head');
    const variables = new Map<string, tf.Variable>();
    for (const s of maskedLmHeadSpecs(config)) {
      const data = weights.get(s.name);
      const size = s.shape.reduce((a, b) => a * b, 1);
      if (!data || data.length !== size) {
        for (const v of variables.values()) v.dispose();
        throw new RangeError(`weights "${s.name}" must have ${size} values for [${s.shape}], got ${data?.length}`);
      }
      variables.set(s.name, makeVariable(data, s.shape, true, `${scope}/${s.name}`));
    }
    this.variables = variables;
  }

  /**
   * Vocabulary logits `[n, vocab_size]` for `n` hidden states `[n, dim]`. Differentiable with respect to the head's
   * variables and the tied embedding table.
   */
  apply(hidden: tf.Tensor2D): tf.Tensor2D {
    if (this.disposed) throw new Error('MaskedLmHead.apply: the head has been disposed');
    const v = (name: string) => this.variables.get(name)!;
    return tf.tidy(() => {
      const transformed = this.activation(linear(hidden, v('vocab_transform.weight') as tf.Tensor2D, v('vocab_transform.bias') as tf.Tensor1D)) as tf.Tensor2D;
      const normed = layerNorm(transformed, v('vocab_layer_norm.weight') as tf.Tensor1D, v('vocab_layer_norm.bias') as tf.Tensor1D, DISTILBERT_LAYER_NORM_EPS);
      return linear(normed, this.wordEmbeddings as tf.Tensor2D, v('vocab_projector.bias') as tf.Tensor1D);
    });
  }

  /** Releases the head's own variables (not the tied embedding table). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.variables.values()) v.dispose();
  }
}

/**
 * Mean cross-entropy of `logits` `[n, vocab]` against target ids `labels` `[n]` (int32), as PyTorch's
 * `CrossEntropyLoss` over the positions that are not `-100`. Picks each row's target log-probability with one
 * gather, without a one-hot `[n, vocab]` matrix.
 *
 * @example
 * ```ts
 * const loss = maskedLmCrossEntropy(head.apply(hidden), tf.tensor1d([2073, 2344], 'int32')); // scalar
 * ```
 */
export function maskedLmCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const [n, vocab] = logits.shape;
  if (labels.shape[0] !== n) throw new RangeError(`labels has ${labels.shape[0]} values but logits has ${n} rows`);
  if (n === 0) throw new RangeError('maskedLmCrossEntropy needs at least one target');
  return tf.tidy(() => {
    const logProbabilities = tf.reshape(tf.logSoftmax(logits, -1), [n * vocab]);
    const flat = tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(vocab, 'int32')), tf.cast(labels, 'int32'));
    return tf.neg(tf.mean(tf.gather(logProbabilities, flat))) as tf.Scalar;
  });
}
