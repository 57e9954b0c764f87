import type { TensorInfo } from '@tensorflow/tfjs-core';
import { FUSED_KERNELS } from '@mangaassist/fused-ops';
import type { CpuKernelArgs, KernelOverride } from './kernel-override';
import { allocOutput, float32Of } from './tensor-data';

function requireFloat32(kernel: string, ...tensors: TensorInfo[]): void {
  for (const t of tensors) if (t.dtype !== 'float32') throw new TypeError(`${kernel}: inputs must be float32, got ${t.dtype}`);
}

/** Exact GELU, `0.5 x (1 + erf(x / sqrt 2))`, in one pass. */
export const geluKernel: KernelOverride = {
  kernelName: FUSED_KERNELS.gelu,
  requiresNative: true,
  addsKernel: true,
  kernelFunc({ inputs: { x }, backend }: CpuKernelArgs, { binding }): TensorInfo {
    requireFloat32(FUSED_KERNELS.gelu, x);
    const input = float32Of(backend, x);
    const out = allocOutput(input.length);
    binding.geluErf(input, out);
    return backend.makeTensorInfo(x.shape, 'float32', out);
  },
};

/** Gradient of {@link geluKernel}: `dy * gelu'(x)`. */
export const geluGradKernel: KernelOverride = {
  kernelName: FUSED_KERNELS.geluGrad,
  requiresNative: true,
  addsKernel: true,
  kernelFunc({ inputs: { x, dy }, backend }: CpuKernelArgs, { binding }): TensorInfo {
    requireFloat32(FUSED_KERNELS.geluGrad, x, dy);
    const input = float32Of(backend, x);
    const out = allocOutput(input.length);
    binding.geluErfGrad(input, float32Of(backend, dy), out);
    return backend.makeTensorInfo(x.shape, 'float32', out);
  },
};

/** Layer norm over the last axis; outputs `[y, mean, rstd]` (the statistics are kept for the gradient). */
export const layerNormKernel: KernelOverride = {
  kernelName: FUSED_KERNELS.layerNorm,
  requiresNative: true,
  addsKernel: true,
  kernelFunc({ inputs: { x, gamma, beta }, backend, attrs }: CpuKernelArgs, { binding }): TensorInfo[] {
    requireFloat32(FUSED_KERNELS.layerNorm, x, gamma, beta);
    const input = float32Of(backend, x);
    const cols = x.shape[x.shape.length - 1];
    const rows = cols === 0 ? 0 : input.length / cols;
    const out = allocOutput(input.length);
    const mean = new Float32Array(rows);
    const rstd = new Float32Array(rows);
    binding.layerNorm(input, float32Of(backend, gamma), float32Of(backend, beta), out, mean, rstd, rows, cols, Number(attrs?.epsilon));
    const statsShape = x.shape.slice(0, -1);
    return [backend.makeTensorInfo(x.shape, 'float32', out), backend.makeTensorInfo(statsShape, 'float32', mean), backend.makeTensorInfo(statsShape, 'float32', rstd)];
  },
};

/** Gradient of {@link layerNormKernel}: `[dx, dgamma, dbeta]`. */
export const layerNormGradKernel: KernelOverride = {
  kernelName: FUSED_KERNELS.layerNormGrad,
  requiresNative: true,
  addsKernel: true,
  kernelFunc({ inputs: { x, gamma, dy, mean, rstd }, backend }: CpuKernelArgs, { binding }): TensorInfo[] {
    requireFloat32(FUSED_KERNELS.layerNormGrad, x, gamma, dy, mean, rstd);
    const input = float32Of(backend, x);
    const cols = x.shape[x.shape.length - 1];
    const rows = cols === 0 ? 0 : input.length / cols;
    const dx = allocOutput(input.length);
    const dgamma = new Float32Array(cols);
    const dbeta = new Float32Array(cols);
    binding.layerNormGrad(input, float32Of(backend, gamma), float32Of(backend, dy), float32Of(backend, mean), float32Of(backend, rstd), dx, dgamma, dbeta, rows, cols);
    return [backend.makeTensorInfo(x.shape, 'float32', dx), backend.makeTensorInfo([cols], 'float32', dgamma), backend.makeTensorInfo([cols], 'float32', dbeta)];
  },
};

export const fusedKernels: readonly KernelOverride[] = [geluKernel, geluGradKernel, layerNormKernel, layerNormGradKernel];
