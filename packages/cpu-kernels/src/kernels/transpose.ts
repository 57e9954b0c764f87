import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { CpuKernelArgs, KernelOverride } from './kernel-override';
import { allocOutput, float32Of } from './tensor-data';

/** `Transpose` (attention heads are split and merged with one per layer and direction). */
export const transposeOverride: KernelOverride = {
  kernelName: 'Transpose',
  requiresNative: true,
  kernelFunc(args: CpuKernelArgs, { binding, fallback }): TensorInfo {
    const { x } = args.inputs;
    const perm = args.attrs?.perm as number[] | undefined;
    if (x.dtype !== 'float32' || !perm || perm.length !== x.shape.length || perm.length === 0) return fallback(args) as TensorInfo;
    const input = float32Of(args.backend, x);
    const out = allocOutput(input.length);
    binding.transpose(input, out, Int32Array.from(x.shape), Int32Array.from(perm));
    return args.backend.makeTensorInfo(
      perm.map((p) => x.shape[p]),
      'float32',
      out,
    );
  },
};
