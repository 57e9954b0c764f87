import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { CpuKernelArgs, KernelOverride } from './kernel-override';
import { BINARY_OPS } from './unary-ops';
import { allFloat32, allocOutput, float32Of, sizeOf, stridesOf } from './tensor-data';

/** Strides of `shape` read as broadcast to `outShape` (0 along broadcast axes), as an Int32Array for the addon. */
export function broadcastElementStrides(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return Int32Array.from(outShape, (dim, d) => {
    const own = d - offset;
    return own < 0 || (shape[own] === 1 && dim !== 1) ? 0 : strides[own];
  });
}

function binaryOverride(kernelName: keyof typeof BINARY_OPS): KernelOverride {
  const op = BINARY_OPS[kernelName];
  return {
    kernelName,
    requiresNative: true,
    kernelFunc(args: CpuKernelArgs, { binding, fallback }): TensorInfo {
      const { a, b } = args.inputs;
      if (!allFloat32(a, b)) return fallback(args) as TensorInfo;
      const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const out = allocOutput(sizeOf(outShape));
      binding.binary(
        op,
        float32Of(args.backend, a),
        float32Of(args.backend, b),
        out,
        Int32Array.from(outShape),
        broadcastElementStrides(a.shape, outShape),
        broadcastElementStrides(b.shape, outShape),
      );
      return args.backend.makeTensorInfo(outShape, 'float32', out);
    },
  };
}

/**
 * Add / Sub / Multiply / RealDiv / SquaredDifference with NumPy broadcasting. The JavaScript kernels convert a flat
 * index to coordinates and back for every element of a broadcast operation (bias adds, layer-norm statistics),
 * which made them a large share of a training step.
 */
export const binaryOverrides: readonly KernelOverride[] = (Object.keys(BINARY_OPS) as (keyof typeof BINARY_OPS)[]).map(binaryOverride);
