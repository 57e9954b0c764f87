import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeBinding } from '../native-binding';

/** The arguments TensorFlow.js passes to a cpu kernel. */
export interface CpuKernelArgs {
  /** Inputs by name; optional inputs (a fused bias) are absent rather than undefined-valued in practice. */
  readonly inputs: Readonly<Record<string, TensorInfo>>;
  readonly backend: MathBackendCPU;
  readonly attrs?: NamedAttrMap;
}

/** What a kernel returns: one tensor or several. */
export type CpuKernelResult = TensorInfo | TensorInfo[];

/** Everything an override may use: the addon (when it needs one) and the kernel it replaces, for the cases it skips. */
export interface OverrideContext {
  readonly binding: NativeBinding;
  readonly fallback: (args: CpuKernelArgs) => CpuKernelResult;
}

/**
 * A replacement for one TensorFlow.js cpu kernel. `kernelFunc` handles the shapes and dtypes it is fast for and
 * hands everything else to `fallback`, the kernel that was registered before, so semantics never narrow.
 */
export interface KernelOverride {
  readonly kernelName: string;
  /** `true` when the override calls the native addon; pure-JavaScript fixes work without it. */
  readonly requiresNative: boolean;
  /** `true` for a kernel TensorFlow.js does not have (the fused ops); it has no fallback. */
  readonly addsKernel?: boolean;
  kernelFunc(args: CpuKernelArgs, context: OverrideContext): CpuKernelResult;
}
