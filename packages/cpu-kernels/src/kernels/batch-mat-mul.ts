import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeBinding } from '../native-binding';
import type { CpuKernelArgs, KernelOverride } from './kernel-override';
import { allFloat32, allocOutput, float32Of, sizeOf, stridesOf } from './tensor-data';

/** Shapes of one (batched) matrix product after transposes and batch broadcasting are resolved. */
export interface MatMulPlan {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly outShape: number[];
  /** Element offsets of each batch entry's A and B matrices. */
  readonly aOffsets: Int32Array;
  readonly bOffsets: Int32Array;
}

/**
 * Resolves a BatchMatMul call into BLAS calls. Batch dimensions broadcast like NumPy's (TensorFlow.js's own
 * kernel indexes them modulo the batch size, which agrees whenever one side has a single batch entry or both
 * have the same shape).
 */
export function planMatMul(aShape: readonly number[], bShape: readonly number[], transposeA: boolean, transposeB: boolean): MatMulPlan {
  const aRank = aShape.length;
  const bRank = bShape.length;
  const k = transposeA ? aShape[aRank - 2] : aShape[aRank - 1];
  const kB = transposeB ? bShape[bRank - 1] : bShape[bRank - 2];
  if (k !== kB) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${aShape} and ${bShape} and ` +
        `transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const m = transposeA ? aShape[aRank - 1] : aShape[aRank - 2];
  const n = transposeB ? bShape[bRank - 2] : bShape[bRank - 1];
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batchShape = backend_util.assertAndGetBroadcastShape(aBatch, bBatch);
  const batch = sizeOf(batchShape);
  const aBatchSize = sizeOf(aBatch);
  const bBatchSize = sizeOf(bBatch);
  const aOffsets = new Int32Array(batch);
  const bOffsets = new Int32Array(batch);
  if (aBatchSize === batch && bBatchSize === batch) {
    for (let i = 0; i < batch; i++) {
      aOffsets[i] = i * m * k;
      bOffsets[i] = i * k * n;
    }
  } else {
    const aStrides = broadcastStrides(aBatch, batchShape);
    const bStrides = broadcastStrides(bBatch, batchShape);
    const index = new Array<number>(batchShape.length).fill(0);
    for (let i = 0; i < batch; i++) {
      let aIndex = 0;
      let bIndex = 0;
      for (let d = 0; d < batchShape.length; d++) {
        aIndex += index[d] * aStrides[d];
        bIndex += index[d] * bStrides[d];
      }
      aOffsets[i] = aIndex * m * k;
      bOffsets[i] = bIndex * k * n;
      for (let d = batchShape.length - 1; d >= 0; d--) {
        if (++index[d] < batchShape[d]) break;
        index[d] = 0;
      }
    }
  }
  return { m, n, k, outShape: [...batchShape, m, n], aOffsets, bOffsets };
}

/** Strides (in batch entries) of `shape` read as broadcast to `outShape`: 0 where it is broadcast. */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((dim, d) => {
    const own = d - offset;
    return own < 0 || (shape[own] === 1 && dim !== 1) ? 0 : strides[own];
  });
}

/** Runs the product on the addon; one BLAS call when B is shared by every batch entry of an untransposed A. */
export function nativeMatMul(binding: NativeBinding, a: Float32Array, b: Float32Array, plan: MatMulPlan, transposeA: boolean, transposeB: boolean): Float32Array {
  const batch = plan.aOffsets.length;
  const out = allocOutput(batch * plan.m * plan.n);
  const bShared = batch > 1 && plan.bOffsets.every((o) => o === plan.bOffsets[0]);
  const aContiguous = plan.aOffsets.every((o, i) => o === i * plan.m * plan.k);
  if (bShared && aContiguous && !transposeA) {
    const single = new Int32Array([0]);
    binding.gemm(a, b, out, batch * plan.m, plan.n, plan.k, false, transposeB, single, new Int32Array([plan.bOffsets[0]]));
  } else {
    binding.gemm(a, b, out, plan.m, plan.n, plan.k, transposeA, transposeB, plan.aOffsets, plan.bOffsets);
  }
  return out;
}

/** `BatchMatMul` (what `tf.matMul` and the gradients of every matmul run) on the system BLAS. */
export const batchMatMulOverride: KernelOverride = {
  kernelName: 'BatchMatMul',
  requiresNative: true,
  kernelFunc(args: CpuKernelArgs, { binding, fallback }): TensorInfo {
    const { a, b } = args.inputs;
    if (!allFloat32(a, b)) return fallback(args) as TensorInfo;
    const transposeA = Boolean(args.attrs?.transposeA);
    const transposeB = Boolean(args.attrs?.transposeB);
    const plan = planMatMul(a.shape, b.shape, transposeA, transposeB);
    const out = nativeMatMul(binding, float32Of(args.backend, a), float32Of(args.backend, b), plan, transposeA, transposeB);
    return args.backend.makeTensorInfo(plan.outShape, 'float32', out);
  },
};
