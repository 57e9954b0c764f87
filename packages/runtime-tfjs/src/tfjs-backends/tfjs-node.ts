import { requireFailure } from '../lazy-modules';
import type { TfjsBackendCandidate, TfjsModule } from '../tfjs-backend';

/** What the libtensorflow backend exposes about its device (not in tfjs-core's typings). */
interface NodeBackendInfo {
  readonly isUsingGpuDevice?: boolean;
}

async function activateTensorflow(tf: TfjsModule, id: string): Promise<NodeBackendInfo> {
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`${id} loaded but tf.setBackend("tensorflow") failed`);
  return tf.backend() as unknown as NodeBackendInfo;
}

// Each `require` below sits lexically inside its `try` so that bundlers leave an absent optional package to fail
// at run time instead of failing the build.

/**
 * libtensorflow with CUDA (`@tensorflow/tfjs-node-gpu`, an optional peer dependency). Skipped when the package is
 * absent, or when it loads but libtensorflow sees no CUDA device (it would silently run on the CPU).
 *
 * @example
 * ```ts
 * await selectTfjsBackend({ backend: 'tfjs-node-gpu' }); // throws BACKEND_UNAVAILABLE with the reason when absent
 * ```
 */
export const tfjsNodeGpuBackend: TfjsBackendCandidate = {
  name: 'tfjs-node-gpu',
  async start(tf) {
    const id = '@tensorflow/tfjs-node-gpu';
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@tensorflow/tfjs-node-gpu');
    } catch (error) {
      throw new Error(requireFailure(error, id));
    }
    const info = await activateTensorflow(tf, id);
    if (info.isUsingGpuDevice !== true) throw new Error(`${id} loaded but libtensorflow sees no CUDA device`);
  },
};

/**
 * libtensorflow on the CPU (`@tensorflow/tfjs-node`, an optional peer dependency).
 *
 * @example
 * ```ts
 * await selectTfjsBackend({ backend: 'tfjs-node' });
 * ```
 */
export const tfjsNodeBackend: TfjsBackendCandidate = {
  name: 'tfjs-node',
  async start(tf) {
    const id = '@tensorflow/tfjs-node';
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@tensorflow/tfjs-node');
    } catch (error) {
      throw new Error(requireFailure(error, id));
    }
    await activateTensorflow(tf, id);
  },
};
