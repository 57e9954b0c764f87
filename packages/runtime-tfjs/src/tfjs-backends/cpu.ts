import { requireFailure } from '../lazy-modules';
import type { TfjsBackendCandidate } from '../tfjs-backend';

/**
 * The pure-JavaScript backend of `@tensorflow/tfjs-backend-cpu`: always available, slow (about 0.5 GFLOP/s).
 * Selection calls the `accelerateCpu` hook after this one starts.
 *
 * @example
 * ```ts
 * await selectTfjsBackend({ backend: 'cpu' }); // uses cpuBackend
 * ```
 */
export const cpuBackend: TfjsBackendCandidate = {
  name: 'cpu',
  async start(tf) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@tensorflow/tfjs-backend-cpu');
    } catch (error) {
      throw new Error(requireFailure(error, '@tensorflow/tfjs-backend-cpu'));
    }
    if (!(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") returned false');
    // The cpu backend prints an "install tfjs-node" banner on first use; the selection report already says which
    // accelerators were skipped and why, so the banner is switched off.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  },
};
