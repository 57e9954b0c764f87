import * as tf from '@tensorflow/tfjs-core';
import { registerTfjsGradients } from '@mangaassist/runtime-tfjs';
import { DISTILBERT_LAYER_NORM_EPS, distilBertWeightSpecs, type DistilBertConfig, type WeightSpec } from '@mangaassist/model-format';
import { ACTIVATIONS, layerNorm, linear } from './layers';
import { SeededRandom } from './prng';
import { makeVariable, newVariableScope } from './variable-scope';

// Added to the attention scores of padded keys: exp(-1e9) is exactly 0 in float32, as masked_fill with the
// float32 minimum is in Hugging Face, without the overflow risk of adding the minimum itself.
const MASKED_SCORE = -1e9;

/** Options of a forward pass. */
export interface ApplyOptions {
  /** Training mode turns dropout on; default false (evaluation, as `model.eval()`). */
  readonly training?: boolean;
  /**
   * Seed of this pass's dropout masks. Given, the masks depend only on it (a resumed run can redraw exactly the
   * masks of an uninterrupted one); absent, they come from the model's own seeded stream.
   */
  readonly seed?: number;
}

/** Options of {@link DistilBertEncoder}'s constructor. */
export interface EncoderOptions {
  /** Seeds the dropout masks of training passes (default 0). */
  readonly seed?: number;
}

/**
 * The DistilBERT encoder in TensorFlow.js: embeddings (word + learned or sinusoidal positions, LayerNorm eps
 * 1e-12), then `n_layers` blocks of multi-head self-attention with a padding mask, residual + LayerNorm, FFN with
 * the configured activation (exact erf GELU for DistilBERT), residual + LayerNorm. Dropout only in training.
 * Computes what Hugging Face's `DistilBertModel` computes (`last_hidden_state`).
 *
 * Variables are kept by their Hugging Face tensor names in {@link variables} (bare `DistilBertModel` names, without
 * the `distilbert.` prefix), so checkpoints and exports map 1:1.
 *
 * @example
 * ```ts
 * const encoder = new DistilBertEncoder(config, weights);
 * const hidden = encoder.apply(tf.tensor2d(ids, [2, 16], 'int32'), tf.tensor2d(mask, [2, 16], 'int32'));
 * hidden.shape; // [2, 16, config.dim]
 * encoder.dispose();
 * ```
 */
export class DistilBertEncoder {
  /** Variables by Hugging Face tensor name. */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** The tensor layout this encoder was built from, in state-dict order. */
  readonly specs: readonly WeightSpec[];
  private readonly rng: SeededRandom;
  private readonly activation: (x: tf.Tensor) => tf.Tensor;
  private disposed = false;

  /**
   * @param weights - one Float32Array per {@link distilBertWeightSpecs} name (see `initDistilBertWeights` and
   *   `readDistilBertCheckpoint`)
   * @throws RangeError when a weight is missing or has the wrong number of values
   */
  constructor(
    readonly config: DistilBertConfig,
    weights: ReadonlyMap<string, Float32Array>,
    options: EncoderOptions = {},
  ) {
    // apply() must be differentiable for training, and tfjs-core alone has no op gradients.
    registerTfjsGradients();
    this.specs = distilBertWeightSpecs(config);
    this.activation = ACTIVATIONS[config.activation];
    this.rng = new SeededRandom(options.seed ?? 0);
    const scope = newVariableScope('distilbert');
    const variables = new Map<string, tf.Variable>();
    try {
      for (const s of this.specs) {
        const data = weights.get(s.name);
        const size = s.shape.reduce((a, b) => a * b, 1);
        if (!data) throw new RangeError(`weights is missing "${s.name}"`);
        if (data.length !== size) {
          throw new RangeError(`weights "${s.name}" has ${data.length} values, expected ${size} for [${s.shape}]`);
        }
        variables.set(s.name, makeVariable(data, s.shape, s.trainable, `${scope}/${s.name}`));
      }
    } catch (error) {
      for (const v of variables.values()) v.dispose();
      throw error;
    }
    this.variables = variables;
  }

  /** Trainable variables of the embeddings and of each block, in order (for layer groups). */
  trainableVariablesByLayer(): { embeddings: tf.Variable[]; layers: tf.Variable[][] } {
    const embeddings: tf.Variable[] = [];
    const layers: tf.Variable[][] = Array.from({ length: this.config.n_layers }, () => []);
    for (const s of this.specs) {
      if (!s.trainable) continue;
      const v = this.variables.get(s.name)!;
      if (s.layer === undefined) embeddings.push(v);
      else layers[s.layer]!.push(v);
    }
    return { embeddings, layers };
  }

  /**
   * Runs the encoder. Usable inside `tf.variableGrads` / `optimizer.minimize`; all intermediates are tidied.
   *
   * @param inputIds - `[batch, length]` token ids (int32)
   * @param attentionMask - `[batch, length]`, 1 for real tokens and 0 for padding
   * @returns `last_hidden_state`, `[batch, length, dim]`
   * @throws RangeError when shapes disagree or `length` exceeds `max_position_embeddings`
   */
  apply(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, options: ApplyOptions = {}): tf.Tensor3D {
    if (this.disposed) throw new Error('DistilBertEncoder.apply: the encoder has been disposed');
    const [batch, length] = inputIds.shape;
    if (attentionMask.shape[0] !== batch || attentionMask.shape[1] !== length) {
      throw new RangeError(
        `attentionMask shape [${attentionMask.shape}] must equal inputIds shape [${inputIds.shape}]`,
      );
    }
    if (length > this.config.max_position_embeddings) {
      throw new RangeError(
        `inputIds length ${length} exceeds max_position_embeddings ${this.config.max_position_embeddings}`,
      );
    }
    const training = options.training ?? false;
    const rng = options.seed === undefined ? this.rng : new SeededRandom(options.seed);
    const dropout = <T extends tf.Tensor>(x: T, rate: number) => this.dropout(x, rate, training, rng);
    const { dim, n_heads: heads } = this.config;
    const headDim = dim / heads;
    const eps = DISTILBERT_LAYER_NORM_EPS;
    const matrix = (name: string) => this.variables.get(name)! as tf.Tensor2D;
    const vector = (name: string) => this.variables.get(name)! as tf.Tensor1D;
    const norm = (x: tf.Tensor2D, name: string) => layerNorm(x, vector(`${name}.weight`), vector(`${name}.bias`), eps);
    const lin = (x: tf.Tensor2D, name: string) => linear(x, matrix(`${name}.weight`), vector(`${name}.bias`));
    return tf.tidy(() => {
      const ids = inputIds.dtype === 'int32' ? inputIds : tf.cast(inputIds, 'int32');
      const words = tf.gather(matrix('embeddings.word_embeddings.weight'), tf.reshape(ids, [batch * length]));
      const positions = tf.slice(matrix('embeddings.position_embeddings.weight'), [0, 0], [length, dim]);
      const embedded = tf.add(tf.reshape(words, [batch, length, dim]), positions);
      let hidden = norm(tf.reshape(embedded, [batch * length, dim]), 'embeddings.LayerNorm');
      hidden = dropout(hidden, this.config.dropout);

      const keep = tf.cast(attentionMask, 'float32');
      const maskBias = tf.reshape(tf.mul(tf.sub(1, keep), MASKED_SCORE), [batch, 1, 1, length]);
      const toHeads = (x: tf.Tensor2D) => tf.transpose(tf.reshape(x, [batch, length, heads, headDim]), [0, 2, 1, 3]);

      for (let layer = 0; layer < this.config.n_layers; layer++) {
        const p = `transformer.layer.${layer}`;
        const q = tf.mul(toHeads(lin(hidden, `${p}.attention.q_lin`)), 1 / Math.sqrt(headDim));
        const k = toHeads(lin(hidden, `${p}.attention.k_lin`));
        const v = toHeads(lin(hidden, `${p}.attention.v_lin`));
        const scores = tf.add(tf.matMul(q, k, false, true), maskBias);
        const weights = dropout(tf.softmax(scores, -1), this.config.attention_dropout);
        const context: tf.Tensor2D = tf.reshape(tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]), [batch * length, dim]);
        hidden = norm(tf.add(lin(context, `${p}.attention.out_lin`), hidden), `${p}.sa_layer_norm`);
        const inner = this.activation(lin(hidden, `${p}.ffn.lin1`)) as tf.Tensor2D;
        const ffn = dropout(lin(inner, `${p}.ffn.lin2`), this.config.dropout);
        hidden = norm(tf.add(ffn, hidden), `${p}.output_layer_norm`);
      }
      return tf.reshape(hidden, [batch, length, dim]);
    });
  }

  /** Dropout with a fresh seed per call, so masks differ between steps yet repeat for the same encoder seed. */
  private dropout<T extends tf.Tensor>(x: T, rate: number, training: boolean, rng: SeededRandom): T {
    if (!training || rate === 0) return x;
    return tf.dropout(x, rate, undefined, rng.nextInt()) as T;
  }

  /** Current weights copied to host memory, by Hugging Face tensor name (for saving and export). */
  async weights(): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, v] of this.variables) out.set(name, { shape: [...v.shape], data: (await v.data()) as Float32Array });
    return out;
  }

  /** Releases the variables. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.variables.values()) v.dispose();
  }
}
