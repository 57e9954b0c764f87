import type { TensorInfo } from '@tensorflow/tfjs-core';
import { nativeMatMul, planMatMul } from './batch-mat-mul';
import type { CpuKernelArgs, KernelOverride } from './kernel-override';
import { UNARY_OPS } from './unary-ops';
import { allFloat32, float32Of, sizeOf } from './tensor-data';

const ACTIVATIONS: Record<string, number> = {
  linear: UNARY_OPS.Linear,
  relu: UNARY_OPS.Relu,
  relu6: UNARY_OPS.Relu6,
  sigmoid: UNARY_OPS.Sigmoid,
  leakyrelu: UNARY_OPS.LeakyRelu,
  elu: UNARY_OPS.Elu,
};

/**
 * `_FusedMatMul` (`tf.fused.matMul`, used by dense layers): the product on BLAS, then bias and activation in one
 * native pass. A bias that is not a vector over the last axis and the `prelu` activation go to the JavaScript kernel.
 */
export const fusedMatMulOverride: KernelOverride = {
  kernelName: '_FusedMatMul',
  requiresNative: true,
  kernelFunc(args: CpuKernelArgs, { binding, fallback }): TensorInfo {
    const { a, b } = args.inputs;
    const bias = args.inputs.bias as TensorInfo | undefined;
    const activation = (args.attrs?.activation as string | undefined) ?? 'linear';
    const code = ACTIVATIONS[activation];
    const transposeA = Boolean(args.attrs?.transposeA);
    const transposeB = Boolean(args.attrs?.transposeB);
    if (!allFloat32(a, b) || code === undefined || (bias !== undefined && bias.dtype !== 'float32')) {
      return fallback(args) as TensorInfo;
    }
    const plan = planMatMul(a.shape, b.shape, transposeA, transposeB);
    const rowBias = bias === undefined || (sizeOf(bias.shape) === plan.n && bias.shape.length <= plan.outShape.length && bias.shape[bias.shape.length - 1] === plan.n);
    if (!rowBias) return fallback(args) as TensorInfo;
    const out = nativeMatMul(binding, float32Of(args.backend, a), float32Of(args.backend, b), plan, transposeA, transposeB);
    const alpha = Number(args.attrs?.leakyreluAlpha ?? 0.2);
    if (out.length > 0) binding.biasActivation(out, bias ? float32Of(args.backend, bias) : null, out.length / plan.n, plan.n, code, alpha);
    return args.backend.makeTensorInfo(plan.outShape, 'float32', out);
  },
};
