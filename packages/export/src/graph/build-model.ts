import { MangaAssistError } from '@mangaassist/common';
import type { onnx } from 'onnx-proto';
import type { DistilBertDims } from '../distilbert-config';
import { OnnxGraphBuilder } from '../onnx-graph-builder';
import type { WeightSource } from '../weight-source';
import { buildContribEncoder } from './contrib-encoder';
import type { EncoderBuilder } from './encoder-types';
import { matmul, type FusionMode, type WeightPrecision } from './matmul';
import { buildStandardEncoder } from './standard-encoder';

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

/** Names (without `.weight` / `.bias`) of the two Linear layers of the classification head. */
export interface HeadTensorNames {
  /** dim → hidden (followed by ReLU). */
  readonly hidden: string;
  /** hidden → number of labels. */
  readonly output: string;
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
 * The multi-label classifier: encoder, [CLS] pooling, Linear → ReLU → Linear (dropout is the identity at inference)
 * → `logits` (float32 `[batch, labels]`; apply a sigmoid for probabilities). Head weights are read as stored by
 * torch (`[out, in]`) under `head.hidden` / `head.output`.
 *
 * @example
 * ```ts
 * const model = buildClassifierModel(weights, dims, { hidden: 'pre_classifier', output: 'classifier' }, { precision: 'int8' });
 * ```
 */
export function buildClassifierModel(
  weights: WeightSource,
  dims: DistilBertDims,
  head: HeadTensorNames,
  options: GraphOptions = {},
): onnx.ModelProto {
  const { g, inputIds, attentionMask, fusion, style } = startGraph(options);
  const hiddenSize = headWidth(weights, head.hidden);
  const numLabels = headWidth(weights, head.output);
  const encoded = ENCODERS[fusion]({ g, weights, dims, style, inputIds, attentionMask, clsOnly: true });
  const pooled = g.op('Squeeze', [encoded, g.int64s('squeeze_axis', [1])]);
  // The head is a few thousand multiply-adds: kept in float32 whatever the encoder's precision.
  const headStyle = { ...style, precision: 'fp32' } as const;
  const hidden = g.op('Relu', [
    matmul(g, pooled, weights.linear(head.hidden, dims.dim, hiddenSize, false), dims.dim, hiddenSize, 'head.hidden', headStyle),
  ]);
  const logits = matmul(
    g,
    hidden,
    weights.linear(head.output, hiddenSize, numLabels, false),
    hiddenSize,
    numLabels,
    'head.output',
    headStyle,
  );
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
