import { util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { CpuKernelArgs, KernelOverride } from './kernel-override';
import { allocOutput, float32Of, sizeOf } from './tensor-data';

/**
 * Sum and Mean over one contiguous run of axes (leading axes for bias gradients, trailing ones for layer-norm
 * statistics) without the transpose the JavaScript kernel performs first; other axis sets go to the fallback.
 */
function reduceOverride(kernelName: 'Sum' | 'Mean'): KernelOverride {
  return {
    kernelName,
    requiresNative: true,
    kernelFunc(args: CpuKernelArgs, { binding, fallback }): TensorInfo {
      const { x } = args.inputs;
      if (x.dtype !== 'float32' || x.shape.length === 0) return fallback(args) as TensorInfo;
      const axes = [...util.parseAxisParam(args.attrs?.axis as number | number[], x.shape)].sort((p, q) => p - q);
      if (axes.length === 0 || axes.some((axis, i) => i > 0 && axis !== axes[i - 1] + 1)) return fallback(args) as TensorInfo;
      const first = axes[0];
      const last = axes[axes.length - 1];
      const outer = sizeOf(x.shape.slice(0, first));
      const reduce = sizeOf(x.shape.slice(first, last + 1));
      const inner = sizeOf(x.shape.slice(last + 1));
      const out = allocOutput(outer * inner);
      binding.reduceSum(float32Of(args.backend, x), out, outer, reduce, inner, kernelName === 'Mean');
      const keepDims = Boolean(args.attrs?.keepDims);
      const outShape = keepDims ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d)) : x.shape.filter((_, i) => i < first || i > last);
      return args.backend.makeTensorInfo(outShape, 'float32', out);
    },
  };
}

export const reduceOverrides: readonly KernelOverride[] = [reduceOverride('Sum'), reduceOverride('Mean')];
