import { attr, MICROSOFT_DOMAIN, type OnnxGraphBuilder } from '../onnx-graph-builder';
import { quantizeColumns } from '../quantize-weights';
import { embeddingWeights, firstPosition, layerWeights, type EncoderBuildContext } from './encoder-types';
import { matmul, type MatMulStyle } from './matmul';

const contrib = { domain: MICROSOFT_DOMAIN };

/** Concatenates the q, k, v weights (`[dim, dim]` each) into the `[dim, 3·dim]` layout of `Attention`. */
function packQkv(q: Float32Array, k: Float32Array, v: Float32Array, dim: number): Float32Array {
  const packed = new Float32Array(dim * 3 * dim);
  for (let r = 0; r < dim; r++) {
    packed.set(q.subarray(r * dim, (r + 1) * dim), r * 3 * dim);
    packed.set(k.subarray(r * dim, (r + 1) * dim), r * 3 * dim + dim);
    packed.set(v.subarray(r * dim, (r + 1) * dim), r * 3 * dim + 2 * dim);
  }
  return packed;
}

/**
 * Multi-head self-attention through ONNX Runtime's fused `Attention` (float) or `QAttention` (int8 weights, uint8
 * activations quantised per call) kernel. The raw 0/1 mask is passed as a `[batch, seq]` int32 `mask_index`, so
 * any padding side works.
 */
function attention(
  g: OnnxGraphBuilder,
  x: string,
  mask: string,
  packed: { weight: Float32Array; bias: Float32Array },
  dim: number,
  nHeads: number,
  name: string,
  style: MatMulStyle,
): string {
  const bias = g.initializer(`${name}.qkv.bias`, [3 * dim], packed.bias);
  const attributes = { num_heads: attr.int(nHeads) };
  if (style.precision === 'fp32') {
    const weight = g.initializer(`${name}.qkv.weight`, [dim, 3 * dim], packed.weight);
    return g.op('Attention', [x, weight, bias, mask], { ...contrib, attributes });
  }
  const q = quantizeColumns(packed.weight, dim, 3 * dim, style.maxLevel);
  const weight = g.initializer(`${name}.qkv.weight_int8`, [dim, 3 * dim], q.values);
  const scales = g.initializer(`${name}.qkv.weight_scale`, [3 * dim], q.scales);
  const [xq, xScale, xZero] = g.node('DynamicQuantizeLinear', [x], { outputs: 3 }) as [string, string, string];
  const weightZero = g.initializer(`${name}.qkv.weight_zero_point`, [3 * dim], new Int8Array(3 * dim));
  return g.op('QAttention', [xq, weight, bias, xScale, scales, mask, xZero, weightZero], { ...contrib, attributes });
}

/**
 * LayerNorm(x + bias + skip). `Sum` rather than `Add` on purpose: ONNX Runtime rewrites `Add → LayerNormalization`
 * into its `SkipLayerNormalization` kernel, which measured 3× slower on CPU (ORT 1.30: 137 vs 43 µs of CPU for a
 * 24×768 input), and leaves `Sum` alone.
 */
function residualLayerNorm(
  g: OnnxGraphBuilder,
  terms: readonly string[],
  norm: { gamma: Float32Array; beta: Float32Array },
  eps: number,
  name: string,
): string {
  const d = [norm.gamma.length];
  const inputs = [g.op('Sum', terms), g.initializer(`${name}.weight`, d, norm.gamma), g.initializer(`${name}.bias`, d, norm.beta)];
  return g.op('LayerNormalization', inputs, { attributes: { axis: attr.int(-1), epsilon: attr.float(eps) } });
}

/**
 * The terms a projection contributes to a residual sum: with int8 weights the bias rides in
 * `DynamicQuantizeMatMul`; in float32 it is a separate term of the `Sum` (a `MatMul → Add` would be fused back).
 */
function projection(
  g: OnnxGraphBuilder,
  x: string,
  params: { weight: Float32Array; bias: Float32Array },
  inF: number,
  outF: number,
  name: string,
  style: MatMulStyle,
): string[] {
  if (style.precision === 'int8') return [matmul(g, x, params, inF, outF, name, style)];
  return [matmul(g, x, { weight: params.weight }, inF, outF, name, style), g.initializer(`${name}.bias`, [outF], params.bias)];
}

/**
 * DistilBERT with ONNX Runtime's fused contrib operators: `EmbedLayerNormalization`, `Attention` / `QAttention`,
 * `BiasGelu` (exact erf GELU) and `DynamicQuantizeMatMul` (int8 weights, bias included); each residual is one
 * `Sum` feeding `LayerNormalization` (see `residualLayerNorm` for why not `SkipLayerNormalization`). Same numbers as
 * the standard graph with fewer kernels: no reshapes, transposes or separate softmax around attention.
 *
 * @example
 * ```ts
 * const hidden = buildContribEncoder({ g, weights, dims, style, inputIds, attentionMask, clsOnly: true });
 * ```
 */
export function buildContribEncoder(context: EncoderBuildContext): string {
  const { g, weights, dims, style, inputIds, attentionMask, clsOnly } = context;
  const { dim, nHeads, nLayers, layerNormEps: eps } = dims;
  const toInt32 = { attributes: { to: attr.int(6) } };
  const ids = g.op('Cast', [inputIds], toInt32);
  const mask = g.op('Cast', [attentionMask], toInt32);

  const emb = embeddingWeights(weights, dims);
  const embedInputs = [
    ids,
    '',
    g.initializer('word_embeddings', [dims.vocabSize, dim], emb.word),
    g.initializer('position_embeddings', [dims.maxPositions, dim], emb.position),
    '',
    g.initializer('embeddings.LayerNorm.weight', [dim], emb.gamma),
    g.initializer('embeddings.LayerNorm.bias', [dim], emb.beta),
  ];
  let [x] = g.node('EmbedLayerNormalization', embedInputs, {
    ...contrib,
    outputs: ['embeddings', ''],
    attributes: { epsilon: attr.float(eps) },
  }) as [string];

  for (let i = 0; i < nLayers; i++) {
    const w = layerWeights(weights, dims, i);
    const name = `layer${i}`;
    const packed = {
      weight: packQkv(w.q.weight, w.k.weight, w.v.weight, dim),
      bias: Float32Array.from([...w.q.bias, ...w.k.bias, ...w.v.bias]),
    };
    let context_ = attention(g, x, mask, packed, dim, nHeads, `${name}.attention`, style);
    if (clsOnly && i === nLayers - 1) {
      context_ = firstPosition(g, context_);
      x = firstPosition(g, x);
    }
    const sa = residualLayerNorm(g, [...projection(g, context_, w.out, dim, dim, `${name}.out_lin`, style), x], w.saNorm, eps, `${name}.sa_layer_norm`);
    const h = matmul(g, sa, { weight: w.lin1.weight }, dim, dims.hiddenDim, `${name}.ffn.lin1`, style);
    const biasName = g.initializer(`${name}.ffn.lin1.bias`, [dims.hiddenDim], w.lin1.bias);
    // BiasGelu is the exact erf GELU, FastGelu the tanh approximation (both add the bias first).
    const activated =
      dims.activation === 'relu'
        ? g.op('Relu', [g.op('Add', [h, biasName])])
        : g.op(dims.activation === 'gelu' ? 'BiasGelu' : 'FastGelu', [h, biasName], contrib);
    const ffn = projection(g, activated, w.lin2, dims.hiddenDim, dim, `${name}.ffn.lin2`, style);
    x = residualLayerNorm(g, [...ffn, sa], w.outNorm, eps, `${name}.output_layer_norm`);
  }
  return x;
}
