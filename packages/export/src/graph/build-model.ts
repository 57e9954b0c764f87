import { MangaAssistError } from '@mangaassist/common';
import type { onnx } from 'onnx-proto';
import { CLASSIFIER_POOLINGS, type ClassifierPooling, type HeadTensorNames } from '@mangaassist/model-format';
import type { DistilBertDims } from '../distilbert-dims';
import { attr, OnnxGraphBuilder } from '../onnx-graph-builder';
import type { WeightSource } from '../weight-source';
import { buildContribEncoder } from './contrib-encoder';
import type { EncoderBuilder } from './encoder-types';
import { matmul, type FusionMode, type WeightPrecision } from './matmul';
import { buildStandardEncoder } from './standard-encoder';
import { ngramEnsembleGraph, type NgramEnsembleGraphOptions } from './ngram-ensemble';
import { wideLogitsGraph, type WideGraphOptions } from './wide';

/** The opset of the default domain the exported graphs declare. */
export const EXPORT_OPSET = 17;

const ENCODERS: Readonly<Record<FusionMode, EncoderBuilder>> = {
  contrib: buildContribEncoder,
  standard: buildStandardEncoder,
};

/** Graph choices shared by the encoder and classifier exports. */
export interface GraphOptions {
  /** `contrib` (ONNX Runtime fused kernels, the default) or `standard` (opset-17 operators only). */
  readonly fusion?: FusionMode;
  readonly precision?: WeightPrecision;
  /** int8 only: quantise weights to ±63 instead of ±127, for x86 CPUs without VNNI (see `quantizeColumns`). */
  readonly reduceRange?: boolean;
}

/** Options of {@link buildClassifierModel}: the graph choices plus the head's pooling, wide part and n-gram ensemble. */
export interface ClassifierGraphOptions extends GraphOptions {
  /** Default `cls`, which keeps the graph byte-identical to exports made before pooling was a choice. */
  readonly pooling?: ClassifierPooling;
  /**
   * The head's wide part (`mangaassist_head.wide`; see `wideLogitsGraph`), added to the logits in float32 whatever
   * the precision. Absent (the default): no wide part, and the graph is byte-identical to exports made before it.
   */
  readonly wide?: WideGraphOptions;
  /**
   * The n-gram ensemble (`mangaassist_head.ngram_ensemble`; see `ngramEnsembleGraph`): `logits` become the mixed
   * logits of the network (deep head plus wide part) and the n-gram model, computed in float32 whatever the
   * precision. Absent (the default): the graph is byte-identical to exports made before the ensemble existed.
   */
  readonly ngramEnsemble?: NgramEnsembleGraphOptions;
}


function startGraph(options: GraphOptions) {
  const g = new OnnxGraphBuilder();
  const inputIds = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  const fusion = options.fusion ?? 'contrib';
  const style = { precision: options.precision ?? 'fp32', fusion, maxLevel: options.reduceRange ? 63 : 127 } as const;
  return { g, inputIds, attentionMask, fusion, style };
}

function finish(g: OnnxGraphBuilder, fusion: FusionMode, graphName: string, metadata: Record<string, string>) {
  return g.toModel({ graphName, opset: EXPORT_OPSET, usesContribOps: fusion === 'contrib', metadata });
}

/**
 * The bare DistilBERT encoder: `input_ids`, `attention_mask` (int64, dynamic batch and sequence) →
 * `last_hidden_state` (float32 `[batch, sequence, dim]`). Used to check the graph against Hugging Face's outputs.
 *
 * @example
 * ```ts
 * const model = buildEncoderModel(new WeightSource(tensors, file), dims, { fusion: 'standard' });
 * writeFileSync('encoder.onnx', encodeModel(model));
 * ```
 */
export function buildEncoderModel(weights: WeightSource, dims: DistilBertDims, options: GraphOptions = {}): onnx.ModelProto {
  const { g, inputIds, attentionMask, fusion, style } = startGraph(options);
  const hidden = ENCODERS[fusion]({ g, weights, dims, style, inputIds, attentionMask, clsOnly: false });
  g.output(hidden, 'last_hidden_state', 'float32', ['batch_size', 'sequence_length', dims.dim]);
  return finish(g, fusion, 'distilbert_encoder', { fusion, precision: style.precision });
}

/**
 * Mean of `hidden` (`[batch, seq, dim]`) over the positions whose int64 `attentionMask` (`[batch, seq]`) is 1:
 * Cast → Unsqueeze → Mul → ReduceSum over the sequence, divided by the mask's count clamped to ≥ 1 with `Max` (so a
 * row without real tokens gives zeros, not NaN). Opset-13+ forms (axes as inputs), valid for {@link EXPORT_OPSET}.
 * The same computation as `core-model`'s `poolHiddenStates(…, 'mean')`, so padding never reaches the logits.
 *
 * @example
 * ```ts
 * const pooled = meanPool(g, hidden, attentionMask); // [batch, dim]
 * ```
 */
export function meanPool(g: OnnxGraphBuilder, hidden: string, attentionMask: string): string {
  const mask = g.op('Cast', [attentionMask], { attributes: { to: attr.int(1) } });
  const weighted = g.op('Mul', [hidden, g.op('Unsqueeze', [mask, g.int64s('pool_mask_axis', [2])])]);
  const sequenceAxis = g.int64s('pool_sequence_axis', [1]);
  const summed = g.op('ReduceSum', [weighted, sequenceAxis], { attributes: { keepdims: attr.int(0) } });
  const count = g.op('ReduceSum', [mask, sequenceAxis], { attributes: { keepdims: attr.int(1) } });
  return g.op('Div', [summed, g.op('Max', [count, g.scalar('pool_min_count', 1)])]);
}

/**
 * The multi-label classifier: encoder, pooling (`options.pooling`: [CLS] by default, or the mean of the real tokens,
 * see {@link meanPool}), Linear → ReLU → Linear (dropout is the identity at inference), plus the wide logits when
 * `options.wide` is given (`wideLogitsGraph`), mixed with the n-gram ensemble when `options.ngramEnsemble` is given
 * (`ngramEnsembleGraph`) → `logits` (float32 `[batch, labels]`; apply a sigmoid for probabilities). With [CLS] pooling the last layer runs its output projection and feed-forward block on the [CLS]
 * row only; mean pooling needs every row. Head weights are read as stored by torch (`[out, in]`) under `head.hidden` /
 * `head.output`.
 *
 * @example
 * ```ts
 * const model = buildClassifierModel(weights, dims, { hidden: 'pre_classifier', output: 'classifier' }, { precision: 'int8', pooling: 'mean' });
 * ```
 */
export function buildClassifierModel(
  weights: WeightSource,
  dims: DistilBertDims,
  head: HeadTensorNames,
  options: ClassifierGraphOptions = {},
): onnx.ModelProto {
  const pooling = options.pooling ?? 'cls';
  if (!CLASSIFIER_POOLINGS.includes(pooling)) {
    throw new RangeError(`pooling must be one of ${CLASSIFIER_POOLINGS.join(', ')}; got ${JSON.stringify(pooling)}`);
  }
  const { g, inputIds, attentionMask, fusion, style } = startGraph(options);
  const hiddenSize = headWidth(weights, head.hidden);
  const numLabels = headWidth(weights, head.output);
  const clsOnly = pooling === 'cls';
  const encoded = ENCODERS[fusion]({ g, weights, dims, style, inputIds, attentionMask, clsOnly });
  const pooled = clsOnly ? g.op('Squeeze', [encoded, g.int64s('squeeze_axis', [1])]) : meanPool(g, encoded, attentionMask);
  // The head is a few thousand multiply-adds: kept in float32 whatever the encoder's precision.
  const headStyle = { ...style, precision: 'fp32' } as const;
  const hidden = g.op('Relu', [
    matmul(g, pooled, weights.linear(head.hidden, dims.dim, hiddenSize, false), dims.dim, hiddenSize, 'head.hidden', headStyle),
  ]);
  const deepLogits = matmul(
    g,
    hidden,
    weights.linear(head.output, hiddenSize, numLabels, false),
    hiddenSize,
    numLabels,
    'head.output',
    headStyle,
  );
  const networkLogits = options.wide
    ? g.op('Add', [deepLogits, wideLogitsGraph(g, weights, inputIds, attentionMask, dims.vocabSize, numLabels, options.wide)])
    : deepLogits;
  const logits = options.ngramEnsemble
    ? ngramEnsembleGraph(g, weights, networkLogits, inputIds, attentionMask, dims.vocabSize, numLabels, options.ngramEnsemble)
    : networkLogits;
  g.output(logits, 'logits', 'float32', ['batch_size', numLabels]);
  return finish(g, fusion, 'distilbert_multilabel_classifier', { fusion, precision: style.precision });
}

/** Output features of a head Linear (its input features are checked when the weight is read). */
function headWidth(weights: WeightSource, name: string): number {
  if (!weights.has(`${name}.weight`, false)) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${weights.file}: missing classifier head tensor "${name}.weight"`, {
      file: weights.file,
      tensor: `${name}.weight`,
    });
  }
  return weights.shapeOf(`${name}.weight`, false)[0]!;
}
