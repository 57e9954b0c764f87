import type { DistilBertDims } from '../distilbert-dims';
import { attr, type OnnxGraphBuilder } from '../onnx-graph-builder';
import { embeddingWeights, firstPosition, layerWeights, type EncoderBuildContext } from './encoder-types';
import { matmul } from './matmul';

// Hugging Face fills masked attention scores with the smallest float32; the same value keeps parity exact.
const FLOAT32_MIN = -3.4028234663852886e38;

function layerNorm(g: OnnxGraphBuilder, x: string, gamma: Float32Array, beta: Float32Array, eps: number, name: string) {
  const dims = [gamma.length];
  return g.op('LayerNormalization', [x, g.initializer(`${name}.weight`, dims, gamma), g.initializer(`${name}.bias`, dims, beta)], {
    attributes: { axis: attr.int(-1), epsilon: attr.float(eps) },
  });
}

/** Exact (erf) GELU: x · ½ · (1 + erf(x / √2)); ONNX Runtime fuses this pattern into its Gelu kernel. */
function gelu(g: OnnxGraphBuilder, x: string): string {
  const erf = g.op('Erf', [g.op('Div', [x, g.scalar('sqrt2', Math.SQRT2)])]);
  return g.op('Mul', [g.op('Mul', [x, g.op('Add', [erf, g.scalar('one', 1)])]), g.scalar('half', 0.5)]);
}

/** Tanh-approximated GELU (`gelu_new`): ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
function geluTanh(g: OnnxGraphBuilder, x: string): string {
  const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
  const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [cube, g.scalar('gelu_c', 0.044715)])]), g.scalar('sqrt_2_pi', Math.sqrt(2 / Math.PI))]);
  const tanh = g.op('Tanh', [inner]);
  return g.op('Mul', [g.op('Mul', [x, g.op('Add', [tanh, g.scalar('one', 1)])]), g.scalar('half', 0.5)]);
}

/** The feed-forward activation named by the config. */
export function activation(g: OnnxGraphBuilder, x: string, name: DistilBertDims['activation']): string {
  if (name === 'relu') return g.op('Relu', [x]);
  return name === 'gelu' ? gelu(g, x) : geluTanh(g, x);
}

/**
 * DistilBERT with standard opset-17 operators only (Gather, LayerNormalization, MatMul, Softmax, Erf…), the graph
 * torch.onnx exports: any ONNX runtime can run it.
 *
 * @example
 * ```ts
 * const hidden = buildStandardEncoder({ g, weights, dims, style, inputIds, attentionMask, clsOnly: false });
 * ```
 */
export function buildStandardEncoder(context: EncoderBuildContext): string {
  const { g, weights, dims, style, inputIds, attentionMask, clsOnly } = context;
  const { dim, nHeads, nLayers, layerNormEps: eps } = dims;
  const headDim = dim / nHeads;

  const emb = embeddingWeights(weights, dims);
  const words = g.op('Gather', [g.initializer('word_embeddings', [dims.vocabSize, dim], emb.word), inputIds]);
  const seqLen = g.op('Gather', [g.op('Shape', [inputIds]), g.initializer('axis_1', [], BigInt64Array.of(1n))]);
  const positions = g.op('Range', [
    g.initializer('zero', [], BigInt64Array.of(0n)),
    seqLen,
    g.initializer('step', [], BigInt64Array.of(1n)),
  ]);
  const posEmb = g.op('Gather', [g.initializer('position_embeddings', [dims.maxPositions, dim], emb.position), positions]);
  let x = layerNorm(g, g.op('Add', [words, posEmb]), emb.gamma, emb.beta, eps, 'embeddings.LayerNorm');

  // [batch, seq] 0/1 → additive [batch, 1, 1, seq]: 0 where attended, float32 min where masked.
  const maskFloat = g.op('Cast', [attentionMask], { attributes: { to: attr.int(1) } });
  const blocked = g.op('Sub', [g.scalar('one', 1), maskFloat]);
  const additive = g.op('Unsqueeze', [g.op('Mul', [blocked, g.scalar('mask_fill', FLOAT32_MIN)]), g.int64s('axes', [1, 2])]);

  const headsShape = g.int64s('heads_shape', [0, 0, nHeads, headDim]);
  const mergedShape = g.int64s('merged_shape', [0, 0, dim]);
  const sqrtHeadDim = g.scalar('sqrt_head_dim', Math.sqrt(headDim));
  const toHeads = (t: string, perm: number[]) =>
    g.op('Transpose', [g.op('Reshape', [t, headsShape])], { attributes: { perm: attr.ints(perm) } });

  for (let i = 0; i < nLayers; i++) {
    const w = layerWeights(weights, dims, i);
    const name = `layer${i}`;
    const q = g.op('Div', [toHeads(matmul(g, x, w.q, dim, dim, `${name}.q_lin`, style), [0, 2, 1, 3]), sqrtHeadDim]);
    const kT = toHeads(matmul(g, x, w.k, dim, dim, `${name}.k_lin`, style), [0, 2, 3, 1]);
    const v = toHeads(matmul(g, x, w.v, dim, dim, `${name}.v_lin`, style), [0, 2, 1, 3]);
    const probs = g.op('Softmax', [g.op('Add', [g.op('MatMul', [q, kT]), additive])], { attributes: { axis: attr.int(-1) } });
    const merged = g.op('Transpose', [g.op('MatMul', [probs, v])], { attributes: { perm: attr.ints([0, 2, 1, 3]) } });
    let context_ = g.op('Reshape', [merged, mergedShape]);
    if (clsOnly && i === nLayers - 1) {
      context_ = firstPosition(g, context_);
      x = firstPosition(g, x);
    }
    const attnOut = matmul(g, context_, w.out, dim, dim, `${name}.out_lin`, style);
    const sa = layerNorm(g, g.op('Add', [attnOut, x]), w.saNorm.gamma, w.saNorm.beta, eps, `${name}.sa_layer_norm`);
    const h = matmul(g, sa, w.lin1, dim, dims.hiddenDim, `${name}.ffn.lin1`, style);
    const activated = activation(g, h, dims.activation);
    const ffn = matmul(g, activated, w.lin2, dims.hiddenDim, dim, `${name}.ffn.lin2`, style);
    x = layerNorm(g, g.op('Add', [ffn, sa]), w.outNorm.gamma, w.outNorm.beta, eps, `${name}.output_layer_norm`);
  }
  return x;
}
