import { MICROSOFT_DOMAIN, type OnnxGraphBuilder } from '../onnx-graph-builder';
import { quantizeColumns } from '../quantize-weights';

/** How MatMul weights are stored: float32, or int8 with dynamic (per-call) quantisation of the activations. */
export type WeightPrecision = 'fp32' | 'int8';

/** Which operator set the encoder uses: ONNX Runtime's fused contrib operators, or standard opset-17 operators only. */
export type FusionMode = 'contrib' | 'standard';

/** How one graph multiplies activations by constant weights. */
export interface MatMulStyle {
  readonly precision: WeightPrecision;
  readonly fusion: FusionMode;
  /** Largest int8 weight level (127, or 63 for "reduce range"). */
  readonly maxLevel: number;
}

/**
 * `x · weight (+ bias)` for a constant `[inF, outF]` weight. With `int8`, the weight is quantised per column and
 * the activations are quantised on the fly: one `DynamicQuantizeMatMul` with contrib operators, or the standard
 * `DynamicQuantizeLinear → MatMulInteger → Cast → Mul` chain (what ONNX Runtime's own dynamic quantiser emits).
 * Returns the product; the bias is added only when given (callers fuse it into a following op otherwise).
 *
 * @example
 * ```ts
 * const y = matmul(g, x, { weight, bias }, 768, 3072, 'ffn_lin1', { precision: 'int8', fusion: 'contrib', maxLevel: 127 });
 * ```
 */
export function matmul(
  g: OnnxGraphBuilder,
  x: string,
  params: { readonly weight: Float32Array; readonly bias?: Float32Array },
  inF: number,
  outF: number,
  name: string,
  style: MatMulStyle,
): string {
  const bias = params.bias ? g.initializer(`${name}.bias`, [outF], params.bias) : undefined;
  if (style.precision === 'fp32') {
    const product = g.op('MatMul', [x, g.initializer(`${name}.weight`, [inF, outF], params.weight)]);
    return bias ? g.op('Add', [product, bias]) : product;
  }
  const q = quantizeColumns(params.weight, inF, outF, style.maxLevel);
  const weight = g.initializer(`${name}.weight_int8`, [inF, outF], q.values);
  const scales = g.initializer(`${name}.weight_scale`, [outF], q.scales);
  if (style.fusion === 'contrib') {
    return g.op('DynamicQuantizeMatMul', [x, weight, scales, '', bias ?? ''], { domain: MICROSOFT_DOMAIN });
  }
  const [xq, xScale, xZero] = g.node('DynamicQuantizeLinear', [x], { outputs: 3 }) as [string, string, string];
  const zeros = g.initializer(`${name}.weight_zero_point`, [outF], new Int8Array(outF));
  const accumulated = g.op('MatMulInteger', [xq, weight, xZero, zeros]);
  const asFloat = g.op('Cast', [accumulated], { attributes: { to: { kind: 'int', value: 1 } } });
  const product = g.op('Mul', [asFloat, g.op('Mul', [xScale, scales])]);
  return bias ? g.op('Add', [product, bias]) : product;
}
