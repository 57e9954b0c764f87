import type * as Tfjs from '@tensorflow/tfjs-core';

/** The TensorFlow.js module (`@tensorflow/tfjs-core`), as handed to backend candidates and hooks. */
export type TfjsModule = typeof Tfjs;

/**
 * The TensorFlow.js backends this project can run on, in default priority order (first that works wins):
 * `tfjs-node-gpu` (libtensorflow with CUDA), `webgpu` (Dawn through the npm package `webgpu`), `tfjs-node`
 * (libtensorflow on the CPU) and `cpu` (pure JavaScript, always available).
 */
export const TFJS_BACKEND_NAMES = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'cpu'] as const;

/** One of {@link TFJS_BACKEND_NAMES}. */
export type TfjsBackendName = (typeof TFJS_BACKEND_NAMES)[number];

/**
 * What a configuration may ask for: a backend name, `auto` (priority order), or `tensorflow` (either
 * libtensorflow build, GPU first: the name TensorFlow.js itself gives both).
 */
export type TfjsBackendRequest = TfjsBackendName | 'auto' | 'tensorflow';

/**
 * What a backend would compute on, as {@link TfjsBackendCandidate.findDevice} reports it.
 *
 * @example
 * ```ts
 * const lavapipe: TfjsBackendDevice = {
 *   kind: 'cpu',
 *   description: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)',
 *   evidence: 'GPUAdapterInfo.isFallbackAdapter is true',
 * };
 * ```
 */
export interface TfjsBackendDevice {
  /** `gpu`: an accelerator. `cpu`: the processor itself, e.g. a software Vulkan/WebGPU device such as lavapipe. */
  readonly kind: 'gpu' | 'cpu';
  /** The device's own name, for messages. */
  readonly description: string;
  /** What decided `kind`, naming the field that said so, e.g. "GPUAdapterInfo.isFallbackAdapter is true". */
  readonly evidence: string;
}

/**
 * One way to run TensorFlow.js. `start` either makes its backend the active one or throws an `Error` whose message
 * says why it cannot (it is quoted in the selection report), e.g. "not installed" or "no WebGPU adapter".
 *
 * A candidate that can run on different devices (WebGPU: a GPU, or a software adapter on the CPU) also has
 * `findDevice`, which the selection calls first: when several backends are acceptable (`auto`, `tensorflow`) a
 * candidate other than `cpu` whose device is the CPU is skipped, since the `cpu` backend with its native kernels
 * computes faster on the same processor; asking for that backend by name still uses it.
 *
 * @example
 * ```ts
 * const cpu: TfjsBackendCandidate = {
 *   name: 'cpu',
 *   async start(tf) {
 *     require('@tensorflow/tfjs-backend-cpu');
 *     if (!(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") failed');
 *   },
 * };
 * ```
 */
export interface TfjsBackendCandidate {
  readonly name: TfjsBackendName;
  /** Finds the device the backend would use, without activating it; throws why there is none. Optional. */
  findDevice?(tf: TfjsModule): Promise<TfjsBackendDevice>;
  start(tf: TfjsModule): Promise<void>;
}

/** A candidate that was not used, and why. */
export interface SkippedBackend {
  readonly name: TfjsBackendName;
  readonly reason: string;
}

/** Options of {@link selectTfjsBackend}. */
export interface SelectTfjsBackendOptions {
  /** Force one backend (or `tensorflow` for either libtensorflow build); default `auto` (priority order). */
  readonly backend?: TfjsBackendRequest;
  /**
   * Called with the TensorFlow.js module right after the pure-JS `cpu` backend has been chosen, so that faster
   * kernels (native BLAS) can be registered on it. If it throws, the plain cpu backend is kept and the failure is
   * reported in {@link TfjsBackendSelection.notes}: the model still computes the same values, only slower.
   */
  readonly accelerateCpu?: (tf: TfjsModule) => void | Promise<void>;
  /** Candidates to try, in priority order; defaults to {@link defaultTfjsBackendCandidates}. For tests and hosts. */
  readonly candidates?: readonly TfjsBackendCandidate[];
}

/** The outcome of {@link selectTfjsBackend}. */
export interface TfjsBackendSelection {
  /** The backend in use. */
  readonly name: TfjsBackendName;
  /** TensorFlow.js's own name for it (`tf.getBackend()`): `tensorflow`, `webgpu` or `cpu`. */
  readonly tfjsName: string;
  /** Higher-priority candidates that were tried and could not start, with the reason each gave. */
  readonly skipped: readonly SkippedBackend[];
  /** The device the backend reported through `findDevice`; absent for candidates without it (cpu, tfjs-node). */
  readonly device?: TfjsBackendDevice;
  /** Extra facts, e.g. whether the cpu accelerator hook ran, or that the chosen device is the CPU. */
  readonly notes: readonly string[];
  /** One line for logs: the chosen backend and why the others were skipped. */
  readonly message: string;
  /** The TensorFlow.js module the backend was set on. */
  readonly tf: TfjsModule;
}
