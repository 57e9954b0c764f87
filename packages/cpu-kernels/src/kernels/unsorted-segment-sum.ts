import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { CpuKernelArgs, KernelOverride } from './kernel-override';
import { float32Of, int32Of, sizeOf } from './tensor-data';

/**
 * Sums rows of `x` into `numSegments` buckets in one pass over the rows: O(rows x rowSize) where the TensorFlow.js
 * kernel builds a mask per segment, O(numSegments x rows x rowSize) — for the embedding gradient of a 30,522-token
 * vocabulary that is minutes per step. Ids outside [0, numSegments) are dropped, as TensorFlow does.
 *
 * @example
 * ```ts
 * const out = unsortedSegmentSumJs(new Float32Array([1, 2, 3, 4]), new Int32Array([1, 1]), 2, 3);
 * // out = [0, 0, 4, 6, 0, 0]
 * ```
 */
export function unsortedSegmentSumJs(x: Float32Array, segmentIds: Int32Array, rowSize: number, numSegments: number): Float32Array {
  const out = new Float32Array(numSegments * rowSize);
  for (let i = 0; i < segmentIds.length; i++) {
    const segment = segmentIds[i];
    if (segment < 0 || segment >= numSegments) continue;
    const dst = segment * rowSize;
    const src = i * rowSize;
    for (let j = 0; j < rowSize; j++) out[dst + j] += x[src + j];
  }
  return out;
}

interface SegmentSumCall {
  readonly x: Float32Array;
  readonly ids: Int32Array;
  readonly rowSize: number;
  readonly numSegments: number;
  readonly outShape: number[];
}

function prepare(args: CpuKernelArgs): SegmentSumCall | undefined {
  const { x, segmentIds } = args.inputs;
  if (x.dtype !== 'float32' || segmentIds.dtype !== 'int32') return undefined;
  const numSegments = Number(args.attrs?.numSegments);
  const idsRank = segmentIds.shape.length;
  const ids = int32Of(args.backend, segmentIds);
  const rowSize = sizeOf(x.shape.slice(idsRank));
  return { x: float32Of(args.backend, x), ids, rowSize, numSegments, outShape: [numSegments, ...x.shape.slice(idsRank)] };
}

/** Pure-JavaScript `UnsortedSegmentSum` (the gradient of every embedding lookup); no addon needed. */
export const unsortedSegmentSumJsOverride: KernelOverride = {
  kernelName: 'UnsortedSegmentSum',
  requiresNative: false,
  kernelFunc(args: CpuKernelArgs, { fallback }): TensorInfo {
    const call = prepare(args);
    if (!call) return fallback(args) as TensorInfo;
    const out = unsortedSegmentSumJs(call.x, call.ids, call.rowSize, call.numSegments);
    return args.backend.makeTensorInfo(call.outShape, 'float32', out);
  },
};

/** Native `UnsortedSegmentSum`, same algorithm as {@link unsortedSegmentSumJs}. */
export const unsortedSegmentSumNativeOverride: KernelOverride = {
  kernelName: 'UnsortedSegmentSum',
  requiresNative: true,
  kernelFunc(args: CpuKernelArgs, { binding, fallback }): TensorInfo {
    const call = prepare(args);
    if (!call) return fallback(args) as TensorInfo;
    const out = new Float32Array(call.numSegments * call.rowSize);
    binding.segmentSum(call.x, call.ids, out, call.rowSize, call.numSegments);
    return args.backend.makeTensorInfo(call.outShape, 'float32', out);
  },
};
