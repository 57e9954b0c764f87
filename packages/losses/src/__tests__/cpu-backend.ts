// Tests run on the pure-JS cpu backend so they need no native module or GPU; the plugins use only ops that every
// backend implements with gradients.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

/** Selects the cpu backend; call from `beforeAll`. */
export async function useCpuBackend(): Promise<void> {
  tf.env().set('PROD', true); // silences the "use tfjs-node" console banner; kernels are unaffected
  await tf.setBackend('cpu');
  await tf.ready();
}
