import { DISTILBERT_EMBEDDING_TENSORS, distilBertLayerModules } from '@mangaassist/model-format';
import type { DistilBertDims } from '../distilbert-dims';
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
  const m = distilBertLayerModules(i);
  const { dim, hiddenDim } = dims;
  const norm = (name: string) => ({ gamma: weights.get(`${name}.weight`, [dim]), beta: weights.get(`${name}.bias`, [dim]) });
  return {
    q: weights.linear(m.q, dim, dim),
    k: weights.linear(m.k, dim, dim),
    v: weights.linear(m.v, dim, dim),
    out: weights.linear(m.out, dim, dim),
    saNorm: norm(m.saNorm),
    lin1: weights.linear(m.lin1, dim, hiddenDim),
    lin2: weights.linear(m.lin2, hiddenDim, dim),
    outNorm: norm(m.outNorm),
  };
}

/** Embedding tables and their LayerNorm. */
export function embeddingWeights(weights: WeightSource, dims: DistilBertDims) {
  return {
    word: weights.get(DISTILBERT_EMBEDDING_TENSORS.word, [dims.vocabSize, dims.dim]),
    position: weights.get(DISTILBERT_EMBEDDING_TENSORS.position, [dims.maxPositions, dims.dim]),
    gamma: weights.get(`${DISTILBERT_EMBEDDING_TENSORS.norm}.weight`, [dims.dim]),
    beta: weights.get(`${DISTILBERT_EMBEDDING_TENSORS.norm}.bias`, [dims.dim]),
  };
}
