import { util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { CpuKernelArgs, KernelOverride } from './kernel-override';
import { allocOutput, float32Of, int32Of, sizeOf } from './tensor-data';

/** `GatherV2` along axis 0 without batch dimensions (the embedding lookup) as row copies. */
export const gatherOverride: KernelOverride = {
  kernelName: 'GatherV2',
  requiresNative: true,
  kernelFunc(args: CpuKernelArgs, { binding, fallback }): TensorInfo {
    const { x, indices } = args.inputs;
    const batchDims = Number(args.attrs?.batchDims ?? 0);
    if (x.dtype !== 'float32' || indices.dtype !== 'int32' || x.shape.length === 0 || batchDims !== 0) return fallback(args) as TensorInfo;
    const axis = util.parseAxisParam(args.attrs?.axis as number, x.shape)[0];
    if (axis !== 0) return fallback(args) as TensorInfo;
    const rows = x.shape[0];
    const rowSize = sizeOf(x.shape.slice(1));
    const ids = int32Of(args.backend, indices);
    const out = allocOutput(ids.length * rowSize);
    const bad = binding.gatherRows(float32Of(args.backend, x), ids, out, rowSize, rows);
    if (bad >= 0) throw new Error(`GatherV2: the index value ${ids[bad]} is not in [0, ${rows - 1}]`);
    return args.backend.makeTensorInfo([...indices.shape, ...x.shape.slice(1)], 'float32', out);
  },
};
