/** An `[in, out]` weight quantised to int8 with one symmetric scale per output column (zero point 0). */
export interface QuantizedMatrix {
  readonly values: Int8Array;
  /** `out` scales: `weight[i][j] ≈ values[i][j] * scales[j]`. */
  readonly scales: Float32Array;
}

/**
 * Per-column symmetric int8 quantisation of a `[rows, cols]` MatMul weight (the `B` operand). Symmetric weights
 * keep the zero point at 0, so ONNX Runtime's int8 GEMM needs no zero-point correction for `B`; per-column scales
 * keep columns with small weights precise. `maxLevel` 127 uses the full int8 range; 63 ("reduce range") avoids
 * the int16 saturation of u8×s8 products on x86 CPUs without VNNI.
 *
 * @example
 * ```ts
 * const q = quantizeColumns(Float32Array.of(0.5, -1, 0.25, 2), 2, 2);
 * // q.scales = [0.5/127, 2/127]; q.values = [127, -64, 64, 127]
 * ```
 */
export function quantizeColumns(weight: Float32Array, rows: number, cols: number, maxLevel = 127): QuantizedMatrix {
  if (weight.length !== rows * cols) {
    throw new RangeError(`weight has ${weight.length} values, expected rows × cols = ${rows * cols}`);
  }
  if (!Number.isInteger(maxLevel) || maxLevel < 1 || maxLevel > 127) {
    throw new RangeError(`maxLevel must be an integer in [1, 127], got ${maxLevel}`);
  }
  const maxAbs = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(weight[r * cols + c]!));
  }
  // An all-zero column would give scale 0 (and 0/0 below); any positive scale represents it exactly.
  const scales = Float32Array.from(maxAbs, (m) => (m > 0 ? m / maxLevel : 1));
  const values = new Int8Array(weight.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const q = Math.round(weight[r * cols + c]! / scales[c]!);
      values[r * cols + c] = Math.max(-maxLevel, Math.min(maxLevel, q));
    }
  }
  return { values, scales };
}
