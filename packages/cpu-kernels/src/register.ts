import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core';
import { batchMatMulOverride } from './kernels/batch-mat-mul';
import { binaryOverrides } from './kernels/binary';
import { fusedKernels } from './kernels/fused';
import { fusedMatMulOverride } from './kernels/fused-mat-mul';
import { gatherOverride } from './kernels/gather';
import type { CpuKernelArgs, KernelOverride } from './kernels/kernel-override';
import { reduceOverrides } from './kernels/reduce';
import { padOverride, sliceOverride } from './kernels/slice-pad';
import { softmaxOverride } from './kernels/softmax';
import { transposeOverride } from './kernels/transpose';
import { unaryOverrides } from './kernels/unary';
import { unsortedSegmentSumJsOverride, unsortedSegmentSumNativeOverride } from './kernels/unsorted-segment-sum';
import { loadNativeBinding, nativeKernelsAvailable } from './native-binding';
import { registerFusedGradients } from '@mangaassist/fused-ops';

const BACKEND = 'cpu';

/** Native overrides, in the order they are registered. */
const NATIVE_OVERRIDES: readonly KernelOverride[] = [
  batchMatMulOverride,
  fusedMatMulOverride,
  unsortedSegmentSumNativeOverride,
  gatherOverride,
  softmaxOverride,
  transposeOverride,
  sliceOverride,
  padOverride,
  ...binaryOverrides,
  ...unaryOverrides,
  ...reduceOverrides,
  ...fusedKernels,
];

/** Fixes that need no addon; used for the kernels above when the addon is missing. */
const JS_OVERRIDES: readonly KernelOverride[] = [unsortedSegmentSumJsOverride];

/** Every kernel name this package can replace. */
export const OVERRIDABLE_KERNELS: readonly string[] = [...new Set([...NATIVE_OVERRIDES, ...JS_OVERRIDES].map((o) => o.kernelName))];

/** Options of {@link registerNativeCpuKernels}. */
export interface RegisterOptions {
  /** Only these kernels (TensorFlow.js names, e.g. `BatchMatMul`); default: all of {@link OVERRIDABLE_KERNELS}. */
  readonly kernels?: readonly string[];
  /** `false` registers only the pure-JavaScript fixes even when the addon is built. Default `true`. */
  readonly native?: boolean;
  /**
   * Threads for one BLAS matrix product. Default: OpenBLAS's own choice (`OPENBLAS_NUM_THREADS`, else every core).
   */
  readonly threads?: number;
  /**
   * Keep large freed buffers mapped for reuse (glibc `mallopt`: fixed 32 MiB mmap threshold, 1 GiB trim threshold)
   * instead of returning them to the kernel and faulting fresh pages in for the next tensor. Process-wide; the
   * resident size stays near its peak. Default `true` when native kernels are registered.
   */
  readonly tuneAllocator?: boolean;
}

/** A kernel that was not replaced, and why. */
export interface SkippedKernel {
  readonly kernel: string;
  readonly reason: string;
}

/** What {@link registerNativeCpuKernels} did. */
export interface RegistrationResult {
  /** Kernels now served by this package (including ones registered by an earlier call). */
  readonly registered: string[];
  /** Kernels left to TensorFlow.js, with the reason. */
  readonly skipped: SkippedKernel[];
}

interface Installed {
  readonly override: KernelOverride;
  /** The replaced kernel; undefined for kernels this package adds. */
  readonly original: KernelConfig | undefined;
}

const installed = new Map<string, Installed>();

// glibc's largest allowed mmap threshold on 64-bit; the embedding gradient of the 30,522 x 256 table fits below it.
const MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024;
const TRIM_THRESHOLD_BYTES = 1024 * 1024 * 1024;
let allocatorTuned = false;

/**
 * Replaces hot TensorFlow.js `cpu` kernels with native ones (BLAS matrix products, broadcasting arithmetic, softmax,
 * reductions, transposes, slices, gathers) and with a linear-time `UnsortedSegmentSum`, and adds the fused kernels
 * behind `geluErf` and `layerNorm`. Every replacement hands the shapes
 * and dtypes it does not handle to the kernel it replaced. Without the addon only the JavaScript fixes are
 * registered and each native kernel is listed in `skipped` with the reason. Calling it again changes nothing
 * (except `threads`); {@link unregisterNativeCpuKernels} restores the originals.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-cpu';
 * await tf.setBackend('cpu');
 * const { registered, skipped } = registerNativeCpuKernels({ threads: 2 });
 * console.log(`native: ${registered.join(', ')}`, skipped);
 * ```
 */
export function registerNativeCpuKernels(options: RegisterOptions = {}): RegistrationResult {
  if (options.threads !== undefined && (!Number.isInteger(options.threads) || options.threads < 1)) {
    throw new RangeError(`threads must be a positive integer, got ${options.threads}`);
  }
  const wanted = new Set(options.kernels ?? OVERRIDABLE_KERNELS);
  for (const name of wanted) {
    if (!OVERRIDABLE_KERNELS.includes(name)) {
      throw new RangeError(`kernels: unknown kernel "${name}"; allowed: ${OVERRIDABLE_KERNELS.join(', ')}`);
    }
  }
  const binding = options.native === false ? undefined : loadNativeBinding();
  if (binding && options.threads !== undefined) binding.setThreads(options.threads);
  if (binding && options.tuneAllocator !== false && !allocatorTuned) {
    binding.tuneAllocator(MMAP_THRESHOLD_BYTES, TRIM_THRESHOLD_BYTES);
    allocatorTuned = true;
  }
  const nativeReason = options.native === false ? 'native kernels disabled by options.native = false' : nativeKernelsAvailable().reason;

  const skipped: SkippedKernel[] = [];
  for (const kernelName of wanted) {
    const candidates = binding ? [...NATIVE_OVERRIDES, ...JS_OVERRIDES] : JS_OVERRIDES;
    const override = candidates.find((o) => o.kernelName === kernelName);
    if (!override) {
      skipped.push({ kernel: kernelName, reason: nativeReason ?? 'no override' });
      continue;
    }
    const current = installed.get(kernelName);
    if (current?.override === override) continue;
    const original = current?.original ?? getKernel(kernelName, BACKEND);
    if (!original && !override.addsKernel) {
      skipped.push({ kernel: kernelName, reason: `TensorFlow.js has no "${kernelName}" kernel for the ${BACKEND} backend` });
      continue;
    }
    install(override, original, binding);
  }
  return { registered: [...installed.keys()].filter((k) => wanted.has(k)), skipped };
}

function install(override: KernelOverride, original: KernelConfig | undefined, binding: ReturnType<typeof loadNativeBinding>): void {
  const fallback = (args: CpuKernelArgs) => {
    if (!original) throw new Error(`${override.kernelName} has no fallback kernel`);
    return original.kernelFunc(args as unknown as Parameters<KernelFunc>[0]);
  };
  const context = { binding: binding!, fallback };
  if (override.addsKernel) registerFusedGradients();
  if (original) unregisterKernel(override.kernelName, BACKEND);
  registerKernel({
    kernelName: override.kernelName,
    backendName: BACKEND,
    kernelFunc: ((args: CpuKernelArgs) => override.kernelFunc(args, context)) as unknown as KernelFunc,
  });
  installed.set(override.kernelName, { override, original });
}

/**
 * Puts back the TensorFlow.js kernels that {@link registerNativeCpuKernels} replaced (all, or the named ones).
 * Benchmarks use it to time the JavaScript and native kernels in one process.
 *
 * @example
 * ```ts
 * registerNativeCpuKernels();
 * // … measure …
 * unregisterNativeCpuKernels();
 * ```
 */
export function unregisterNativeCpuKernels(kernels?: readonly string[]): string[] {
  const restored: string[] = [];
  for (const [name, { original }] of [...installed]) {
    if (kernels && !kernels.includes(name)) continue;
    unregisterKernel(name, BACKEND);
    if (original) registerKernel(original);
    installed.delete(name);
    restored.push(name);
  }
  return restored;
}

/** Kernels currently replaced by this package. */
export function registeredNativeCpuKernels(): string[] {
  return [...installed.keys()];
}
