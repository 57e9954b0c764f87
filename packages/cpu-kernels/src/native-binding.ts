import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** What the native addon reports about the BLAS it was linked against. */
export interface BlasInfo {
  /** Always `openblas` for this build. */
  readonly blas: string;
  /** The CPU kernel family OpenBLAS selected (`Haswell`, `SkylakeX`, …; `OPENBLAS_CORETYPE` overrides it). */
  readonly corename: string;
  /** OpenBLAS build configuration string. */
  readonly config: string;
  /** Threads OpenBLAS uses for one matrix product. */
  readonly threads: number;
  /** Processors OpenBLAS sees. */
  readonly procs: number;
}

/** The functions of the compiled addon (`native/src/*.cc`); every array argument is checked for size there. */
export interface NativeBinding {
  setThreads(threads: number): void;
  info(): BlasInfo;
  tuneAllocator(mmapThresholdBytes: number, trimThresholdBytes: number): boolean;
  gemm(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    aOffsets: Int32Array,
    bOffsets: Int32Array,
  ): void;
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, outShape: Int32Array, aStrides: Int32Array, bStrides: Int32Array): void;
  unary(op: number, x: Float32Array, out: Float32Array, alpha: number): void;
  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  biasActivation(out: Float32Array, bias: Float32Array | null, rows: number, cols: number, activation: number, alpha: number): void;
  reduceSum(x: Float32Array, out: Float32Array, outer: number, reduce: number, inner: number, mean: boolean): void;
  transpose(x: Float32Array, out: Float32Array, shape: Int32Array, perm: Int32Array): void;
  copyRegion(
    src: Float32Array,
    srcShape: Int32Array,
    srcBegin: Int32Array,
    dst: Float32Array,
    dstShape: Int32Array,
    dstBegin: Int32Array,
    region: Int32Array,
  ): void;
  gatherRows(x: Float32Array, indices: Int32Array, out: Float32Array, rowSize: number, numRows: number): number;
  segmentSum(x: Float32Array, segmentIds: Int32Array, out: Float32Array, rowSize: number, numSegments: number): void;
  geluErf(x: Float32Array, out: Float32Array): void;
  geluErfGrad(x: Float32Array, dy: Float32Array, out: Float32Array): void;
  layerNorm(
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    out: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    rows: number,
    cols: number,
    epsilon: number,
  ): void;
  layerNormGrad(
    x: Float32Array,
    gamma: Float32Array,
    dy: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    dx: Float32Array,
    dgamma: Float32Array,
    dbeta: Float32Array,
    rows: number,
    cols: number,
  ): void;
  adamw(
    paramIn: Float32Array,
    paramOut: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    lr: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    weightDecay: number,
    step: number,
  ): void;
}

/** Whether the native kernels can be used here and, when they cannot, why. */
export interface NativeAvailability {
  readonly available: boolean;
  /** Why the addon cannot be used (missing build, load error, disabled by the environment). */
  readonly reason?: string;
  /** BLAS details when available. */
  readonly blas?: BlasInfo;
}

/** Set to `0` to ignore a built addon and run every kernel in JavaScript. */
export const NATIVE_KERNELS_ENV = 'MANGAASSIST_NATIVE_KERNELS';

/** Where `npm run build:native -w @mangaassist/cpu-kernels` puts the addon (same path from `src/` and `dist/`). */
export const NATIVE_ADDON_PATH = join(__dirname, '..', 'native', 'build', 'Release', 'cpu_kernels.node');

const BUILD_HINT = 'build it with `npm run build:native -w @mangaassist/cpu-kernels` (needs a C++ compiler and libopenblas-dev)';

let cached: { binding?: NativeBinding; reason?: string } | undefined;

/**
 * Loads the addon once (lazily: importing this package never touches native code) and returns it, or `undefined`
 * with the reason in {@link nativeKernelsAvailable}.
 *
 * @example
 * ```ts
 * const binding = loadNativeBinding();
 * if (binding) console.log(binding.info().corename);
 * ```
 */
export function loadNativeBinding(): NativeBinding | undefined {
  if (cached === undefined) cached = tryLoad();
  return cached.binding;
}

function tryLoad(): { binding?: NativeBinding; reason?: string } {
  if (process.env[NATIVE_KERNELS_ENV] === '0') {
    return { reason: `disabled by ${NATIVE_KERNELS_ENV}=0` };
  }
  if (!existsSync(NATIVE_ADDON_PATH)) {
    return { reason: `native addon not built (${NATIVE_ADDON_PATH} is missing); ${BUILD_HINT}` };
  }
  try {
    // A computed path keeps bundlers and type-checkers from resolving the optional addon at build time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const binding = require(NATIVE_ADDON_PATH) as NativeBinding;
    return { binding };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { reason: `native addon at ${NATIVE_ADDON_PATH} failed to load: ${message}; rebuild it: ${BUILD_HINT}` };
  }
}

/**
 * Whether the native kernel pack is built and loads on this machine, with the reason when it is not.
 *
 * @example
 * ```ts
 * const { available, reason } = nativeKernelsAvailable();
 * if (!available) console.warn(`cpu kernels: JavaScript only (${reason})`);
 * ```
 */
export function nativeKernelsAvailable(): NativeAvailability {
  const binding = loadNativeBinding();
  if (!binding) return { available: false, reason: cached?.reason ?? 'unknown' };
  return { available: true, blas: binding.info() };
}
