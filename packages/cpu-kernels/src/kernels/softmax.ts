import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { CpuKernelArgs, KernelOverride } from './kernel-override';
import { allocOutput, float32Of } from './tensor-data';

/** `Softmax` over the last axis in one pass per row (the JavaScript kernel chains max, sub, exp, sum and div). */
export const softmaxOverride: KernelOverride = {
  kernelName: 'Softmax',
  requiresNative: true,
  kernelFunc(args: CpuKernelArgs, { binding, fallback }): TensorInfo {
    const { logits } = args.inputs;
    const rank = logits.shape.length;
    const dim = Number(args.attrs?.dim ?? -1);
    if (logits.dtype !== 'float32' || rank === 0 || (dim !== -1 && dim !== rank - 1)) return fallback(args) as TensorInfo;
    const input = float32Of(args.backend, logits);
    const cols = logits.shape[rank - 1];
    const out = allocOutput(input.length);
    if (cols > 0) binding.softmax(input, out, input.length / cols, cols);
    return args.backend.makeTensorInfo(logits.shape, 'float32', out);
  },
};
