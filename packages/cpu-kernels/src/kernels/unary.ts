import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { CpuKernelArgs, KernelOverride } from './kernel-override';
import { UNARY_OPS } from './unary-ops';
import { allocOutput, float32Of } from './tensor-data';

/** Kernels whose TensorFlow.js name is also the addon's op name, float32 in and out. */
const UNARY_KERNELS = ['Exp', 'Neg', 'Sqrt', 'Rsqrt', 'Square', 'Erf', 'Relu', 'Sigmoid', 'Tanh', 'Log', 'Abs', 'Reciprocal', 'Relu6', 'Elu', 'LeakyRelu', 'Floor'] as const;

function unaryOverride(kernelName: (typeof UNARY_KERNELS)[number]): KernelOverride {
  const op = UNARY_OPS[kernelName];
  return {
    kernelName,
    requiresNative: true,
    kernelFunc(args: CpuKernelArgs, { binding, fallback }): TensorInfo {
      const { x } = args.inputs;
      if (x.dtype !== 'float32') return fallback(args) as TensorInfo;
      const input = float32Of(args.backend, x);
      const out = allocOutput(input.length);
      binding.unary(op, input, out, Number(args.attrs?.alpha ?? 0));
      return args.backend.makeTensorInfo(x.shape, 'float32', out);
    },
  };
}

/** Element-wise math (exp, erf, sqrt, activations…) in one native loop each. */
export const unaryOverrides: readonly KernelOverride[] = UNARY_KERNELS.map(unaryOverride);
