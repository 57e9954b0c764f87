import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { geluErf, layerNorm } from './fused-ops';
import { FUSED_KERNELS } from './kernel-names';

// The ops are the hook a backend package plugs its kernels into: registered under FUSED_KERNELS' names for the
// current backend, a kernel replaces the composite; absent, the composite runs.
describe('fused ops dispatch', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('runs the composite ops when the backend registers no fused kernel', () => {
    const gelu = geluErf(tf.tensor1d([-1, 0, 1, 2]));
    expect(Array.from(gelu.dataSync()).map((v) => Number(v.toFixed(5)))).toEqual([-0.15866, 0, 0.84134, 1.9545]);
    const normed = layerNorm(tf.tensor2d([[1, 2, 3]]), tf.tensor1d([1, 1, 1]), tf.tensor1d([0, 0, 0]), 1e-12);
    expect(Array.from(normed.dataSync()).map((v) => Number(v.toFixed(5)))).toEqual([-1.22474, 0, 1.22474]);
  });

  it('runs a kernel a backend registers under the fused names instead', () => {
    const calls: string[] = [];
    const passThrough = (name: string, outputs: number) => (args: { inputs: tf.NamedTensorInfoMap; backend: unknown }) => {
      calls.push(name);
      const x = args.inputs.x as tf.TensorInfo;
      const backend = args.backend as { incRef(dataId: object): void };
      return Array.from({ length: outputs }, () => {
        backend.incRef(x.dataId);
        return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
      });
    };
    tf.registerKernel({ kernelName: FUSED_KERNELS.gelu, backendName: 'cpu', kernelFunc: (a) => passThrough('gelu', 1)(a)[0]! });
    tf.registerKernel({ kernelName: FUSED_KERNELS.layerNorm, backendName: 'cpu', kernelFunc: passThrough('layerNorm', 3) });
    try {
      expect(Array.from(geluErf(tf.tensor1d([-1, 2])).dataSync())).toEqual([-1, 2]);
      expect(Array.from(layerNorm(tf.tensor2d([[1, 2]]), tf.ones([2]), tf.zeros([2]), 1e-5).dataSync())).toEqual([1, 2]);
      // int32 input and a scalar keep the composite: the kernels take float32 rows.
      geluErf(tf.tensor1d([1], 'int32'));
      expect(calls).toEqual(['gelu', 'layerNorm']);
    } finally {
      tf.unregisterKernel(FUSED_KERNELS.gelu, 'cpu');
      tf.unregisterKernel(FUSED_KERNELS.layerNorm, 'cpu');
    }
  });

  it('refuses gamma or beta of the wrong shape with a RangeError', () => {
    expect(() => layerNorm(tf.ones([2, 3]), tf.ones([4]), tf.ones([3]), 1e-5)).toThrow(RangeError);
  });
});
