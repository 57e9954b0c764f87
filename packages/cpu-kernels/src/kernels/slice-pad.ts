import { slice_util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { CpuKernelArgs, KernelOverride } from './kernel-override';
import { allocOutput, float32Of, sizeOf } from './tensor-data';

/** `Slice` as box copies (the [CLS] vector and the position embeddings of the sequence length). */
export const sliceOverride: KernelOverride = {
  kernelName: 'Slice',
  requiresNative: true,
  kernelFunc(args: CpuKernelArgs, { binding, fallback }): TensorInfo {
    const { x } = args.inputs;
    if (x.dtype !== 'float32' || x.shape.length === 0) return fallback(args) as TensorInfo;
    const [begin, size] = slice_util.parseSliceParams(x, args.attrs?.begin as number | number[], args.attrs?.size as number | number[]);
    slice_util.assertParamsValid(x, begin, size);
    const out = allocOutput(sizeOf(size));
    const zeros = new Int32Array(size.length);
    binding.copyRegion(float32Of(args.backend, x), Int32Array.from(x.shape), Int32Array.from(begin), out, Int32Array.from(size), zeros, Int32Array.from(size));
    return args.backend.makeTensorInfo(size, 'float32', out);
  },
};

/** `PadV2` (the gradient of Slice) as a fill and one box copy. */
export const padOverride: KernelOverride = {
  kernelName: 'PadV2',
  requiresNative: true,
  kernelFunc(args: CpuKernelArgs, { binding, fallback }): TensorInfo {
    const { x } = args.inputs;
    const paddings = args.attrs?.paddings as [number, number][] | undefined;
    if (x.dtype !== 'float32' || x.shape.length === 0 || !paddings || paddings.length !== x.shape.length || paddings.flat().some((p) => p < 0)) {
      return fallback(args) as TensorInfo;
    }
    const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
    const out = allocOutput(sizeOf(outShape));
    out.fill(Number(args.attrs?.constantValue ?? 0));
    binding.copyRegion(
      float32Of(args.backend, x),
      Int32Array.from(x.shape),
      new Int32Array(x.shape.length),
      out,
      Int32Array.from(outShape),
      Int32Array.from(paddings.map((p) => p[0])),
      Int32Array.from(x.shape),
    );
    return args.backend.makeTensorInfo(outShape, 'float32', out);
  },
};
