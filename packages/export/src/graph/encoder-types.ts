import type { DistilBertDims } from '../distilbert-config';
import type { OnnxGraphBuilder } from '../onnx-graph-builder';
import type { WeightSource } from '../weight-source';
import type { MatMulStyle } from './matmul';

/** What an encoder builder needs: the graph, the weights, the shapes, the MatMul style and the two int64 inputs. */
export interface EncoderBuildContext {
  readonly g: OnnxGraphBuilder;
  readonly weights: WeightSource;
  readonly dims: DistilBertDims;
  readonly style: MatMulStyle;
  /** Graph value names of `input_ids` and `attention_mask` (int64, `[batch, sequence]`). */
  readonly inputIds: string;
  readonly attentionMask: string;
  /**
   * Only the first ([CLS]) position of the last layer is needed (classifier export): the last layer then runs its
   * output projection and feed-forward block on that one row, and the result is `[batch, 1, dim]`.
   */
  readonly clsOnly: boolean;
}

/** Builds the DistilBERT encoder into the graph; returns the name of the `[batch, seq | 1, dim]` hidden state. */
export type EncoderBuilder = (context: EncoderBuildContext) => string;

/**
 * Takes position 0 along the sequence axis, keeping the axis (`[batch, seq, dim]` → `[batch, 1, dim]`).
 *
 * @example
 * ```ts
 * const cls = firstPosition(g, hidden);
 * ```
 */
export function firstPosition(g: OnnxGraphBuilder, x: string): string {
  return g.op('Slice', [x, g.int64s('slice_start', [0]), g.int64s('slice_end', [1]), g.int64s('slice_axis', [1])]);
}

/** The q, k, v, out projections and the feed-forward weights of layer `i` (torch `[out, in]` already transposed). */
export function layerWeights(weights: WeightSource, dims: DistilBertDims, i: number) {
  const p = `transformer.layer.${i}`;
  const { dim, hiddenDim } = dims;
  return {
    q: weights.linear(`${p}.attention.q_lin`, dim, dim),
    k: weights.linear(`${p}.attention.k_lin`, dim, dim),
    v: weights.linear(`${p}.attention.v_lin`, dim, dim),
    out: weights.linear(`${p}.attention.out_lin`, dim, dim),
    saNorm: { gamma: weights.get(`${p}.sa_layer_norm.weight`, [dim]), beta: weights.get(`${p}.sa_layer_norm.bias`, [dim]) },
    lin1: weights.linear(`${p}.ffn.lin1`, dim, hiddenDim),
    lin2: weights.linear(`${p}.ffn.lin2`, hiddenDim, dim),
    outNorm: {
      gamma: weights.get(`${p}.output_layer_norm.weight`, [dim]),
      beta: weights.get(`${p}.output_layer_norm.bias`, [dim]),
    },
  };
}

/** Embedding tables and their LayerNorm. */
export function embeddingWeights(weights: WeightSource, dims: DistilBertDims) {
  return {
    word: weights.get('embeddings.word_embeddings.weight', [dims.vocabSize, dims.dim]),
    position: weights.get('embeddings.position_embeddings.weight', [dims.maxPositions, dims.dim]),
    gamma: weights.get('embeddings.LayerNorm.weight', [dims.dim]),
    beta: weights.get('embeddings.LayerNorm.bias', [dims.dim]),
  };
}
