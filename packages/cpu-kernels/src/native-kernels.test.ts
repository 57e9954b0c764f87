import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadNativeBinding, nativeKernelsAvailable, type NativeBinding } from './native-binding';
import { registerNativeCpuKernels, unregisterNativeCpuKernels } from './register';
import { expectSame, randn, runBoth } from './testing/compare';

const availability = nativeKernelsAvailable();
const describeNative = availability.available ? describe : describe.skip;
if (!availability.available) {
  console.warn(`native kernel tests skipped: ${availability.reason}`);
}

/** Runs `fn` with the overrides and returns how often the addon's `method` was called. */
function nativeCalls(method: keyof NativeBinding, fn: () => tf.Tensor): number {
  const binding = loadNativeBinding()!;
  const spy = jest.spyOn(binding, method);
  registerNativeCpuKernels();
  try {
    tf.dispose(tf.tidy(fn));
    return spy.mock.calls.length;
  } finally {
    unregisterNativeCpuKernels();
    spy.mockRestore();
  }
}

describeNative(`native kernels equal the JavaScript kernels (${availability.reason ?? 'addon built'})`, () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  describe('BatchMatMul', () => {
    const cases: [string, number[], number[], boolean, boolean][] = [
      ['2-D', [5, 7], [7, 3], false, false],
      ['transposeA', [7, 5], [7, 3], true, false],
      ['transposeB', [5, 7], [3, 7], false, true],
      ['both transposed', [7, 5], [3, 7], true, true],
      ['batched', [4, 5, 7], [4, 7, 3], false, false],
      ['batched, transposeB (attention scores)', [2, 3, 6, 8], [2, 3, 6, 8], false, true],
      ['rank-3 by rank-2 (dense on a sequence)', [4, 5, 7], [7, 3], false, false],
      ['rank-3 transposeA by rank-2', [4, 7, 5], [7, 3], true, false],
      ['rank-2 by rank-3', [5, 7], [4, 7, 3], false, false],
      ['batch 1 broadcast', [1, 5, 7], [3, 7, 2], false, false],
      ['empty inner dimension', [3, 0], [0, 4], false, false],
    ];
    it.each(cases)('%s', (_, aShape, bShape, transposeA, transposeB) => {
      expectSame(() => tf.matMul(randn(aShape, 1), randn(bShape, 2), transposeA, transposeB), 1e-5);
    });

    it('broadcasts batch dimensions like NumPy ([2,1] with [1,3])', () => {
      const a = randn([2, 1, 4, 5], 3);
      const b = randn([1, 3, 5, 6], 4);
      registerNativeCpuKernels();
      try {
        const out = tf.matMul(a, b);
        expect(out.shape).toEqual([2, 3, 4, 6]);
        for (let i = 0; i < 2; i++) {
          for (let j = 0; j < 3; j++) {
            const expected = tf.matMul(tf.reshape(tf.slice(a, [i, 0, 0, 0], [1, 1, 4, 5]), [4, 5]), tf.reshape(tf.slice(b, [0, j, 0, 0], [1, 1, 5, 6]), [5, 6]));
            const actual = tf.reshape(tf.slice(out, [i, j, 0, 0], [1, 1, 4, 6]), [4, 6]);
            expect(tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]).toBeLessThan(1e-5);
          }
        }
      } finally {
        unregisterNativeCpuKernels();
      }
    });

    it('runs on BLAS, and int32 operands keep the JavaScript kernel', () => {
      expect(nativeCalls('gemm', () => tf.matMul(randn([3, 4], 1), randn([4, 2], 2)))).toBe(1);
      expect(nativeCalls('gemm', () => tf.matMul(tf.ones([3, 4], 'int32'), tf.ones([4, 2], 'int32')))).toBe(0);
      expectSame(() => tf.matMul(tf.reshape(tf.range(0, 12, 1, 'int32'), [3, 4]), tf.reshape(tf.range(0, 8, 1, 'int32'), [4, 2])), 0);
    });

    it('rejects mismatched inner dimensions with the TensorFlow.js message', () => {
      registerNativeCpuKernels();
      try {
        expect(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 2]))).toThrow(/inner shapes/);
      } finally {
        unregisterNativeCpuKernels();
      }
    });
  });

  describe('_FusedMatMul', () => {
    const activations = ['linear', 'relu', 'relu6', 'sigmoid', 'leakyrelu', 'elu'] as const;
    it.each(activations)('bias + %s', (activation) => {
      expectSame(() => tf.fused.matMul({ a: randn([6, 5], 1), b: randn([5, 4], 2), bias: randn([4], 3), activation, leakyreluAlpha: 0.1 }), 1e-5);
    });

    it('without bias, transposed, batched, bias of shape [1, n]', () => {
      expectSame(() => tf.fused.matMul({ a: randn([2, 5, 6], 1), b: randn([4, 5], 2), transposeA: true, transposeB: true, activation: 'relu' }), 1e-5);
      expectSame(() => tf.fused.matMul({ a: randn([2, 6, 5], 1), b: randn([2, 5, 4], 2), bias: randn([1, 4], 3) }), 1e-5);
    });

    it('hands a full-matrix bias and prelu to the JavaScript kernel, with the same result', () => {
      expectSame(() => tf.fused.matMul({ a: randn([6, 5], 1), b: randn([5, 4], 2), bias: randn([6, 4], 3) }), 1e-5);
      expectSame(() => tf.fused.matMul({ a: randn([6, 5], 1), b: randn([5, 4], 2), activation: 'prelu', preluActivationWeights: randn([4], 4) }), 1e-5);
    });
  });

  describe('broadcasting binary ops', () => {
    const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
      ['add', tf.add],
      ['sub', tf.sub],
      ['mul', tf.mul],
      ['div', tf.div],
      ['squaredDifference', tf.squaredDifference],
    ];
    const shapes: [number[], number[]][] = [
      [[4, 5], [4, 5]],
      [[4, 5], [5]],
      [[4, 5], [4, 1]],
      [[2, 3, 4], [3, 1]],
      [[], [3, 4]],
      [[3, 4], []],
      [[1, 4], [3, 1]],
      [[2, 1, 4, 1], [3, 1, 5]],
      [[2, 4, 1, 8], [2, 1, 1, 8]],
      [[0, 3], [3]],
    ];
    for (const [name, op] of ops) {
      it.each(shapes)(`${name} %j with %j`, (aShape, bShape) => {
        expectSame(() => op(randn(aShape, 1), tf.add(randn(bShape, 2), name === 'div' ? 3 : 0)), 1e-6);
      });
    }

    it('keeps int32 arithmetic on the JavaScript kernel and reads cast tensors correctly', () => {
      expectSame(() => tf.add(tf.tensor1d([1, 2, 3], 'int32'), tf.tensor1d([4, 5, 6], 'int32')), 0);
      expectSame(() => tf.mul(tf.cast(tf.tensor1d([1, 2, 3], 'int32'), 'float32'), tf.tensor1d([0.5, 0.25, 2])), 0);
    });
  });

  describe('unary ops', () => {
    const values = [-3, -1.5, -0.5, -0, 0, 0.25, 1, 2.5, 7, Number.NaN];
    const positive = [0.01, 0.5, 1, 4, 100];
    const cases: [string, (x: tf.Tensor) => tf.Tensor, number[]][] = [
      ['exp', tf.exp, values],
      ['neg', tf.neg, values],
      ['square', tf.square, values],
      ['erf', tf.erf, values],
      ['relu', tf.relu, values],
      ['relu6', tf.relu6, values],
      ['elu', tf.elu, values],
      ['leakyRelu', (x) => tf.leakyRelu(x, 0.3), values],
      ['sigmoid', tf.sigmoid, values],
      ['tanh', tf.tanh, values],
      ['abs', tf.abs, values],
      ['sqrt', tf.sqrt, positive],
      ['rsqrt', tf.rsqrt, positive],
      ['log', tf.log, positive],
      ['reciprocal', tf.reciprocal, positive],
      ['floor', tf.floor, [...values, 2.5, -2.5, 1e9]],
    ];
    it.each(cases)('%s', (_, op, xs) => {
      expectSame(() => op(tf.tensor1d(xs)), 1e-6);
      expectSame(() => op(tf.abs(randn([64, 33], 5))), 1e-6);
    });

    it('erf agrees with the exact function to the approximation error of 1.5e-7', () => {
      // erf(0.5), erf(1), erf(2) from tables.
      registerNativeCpuKernels();
      try {
        const out = tf.erf(tf.tensor1d([0.5, 1, 2])).dataSync();
        [0.5204998778, 0.8427007929, 0.995322265].forEach((e, i) => expect(Math.abs(out[i] - e)).toBeLessThan(3e-7));
      } finally {
        unregisterNativeCpuKernels();
      }
    });
  });

  describe('Softmax, Sum, Mean, Transpose', () => {
    it.each([[[3, 5]], [[2, 3, 7]], [[4, 1]]])('softmax %j', (shape) => {
      expectSame(() => tf.softmax(tf.mul(randn(shape, 6), 5)), 1e-6);
    });

    it('softmax of a row with -1e9 mask values and large logits stays finite', () => {
      expectSame(() => tf.softmax(tf.tensor2d([[1000, 1001, -1e9], [0, 0, 0]])), 1e-6);
    });

    const reductions: [number[], number | number[], boolean][] = [
      [[3, 4, 5], 0, false],
      [[3, 4, 5], 1, false],
      [[3, 4, 5], -1, true],
      [[3, 4, 5], [0, 1], false],
      [[3, 4, 5], [1, 2], true],
      [[3, 4, 5], [0, 2], false],
      [[7], 0, false],
    ];
    it.each(reductions)('sum and mean of %j over %j (keepDims %s)', (shape, axis, keepDims) => {
      expectSame(() => [tf.sum(randn(shape, 7), axis, keepDims), tf.mean(randn(shape, 7), axis, keepDims)], 1e-6);
    });

    it('sum of int32 and bool keeps the JavaScript kernel', () => {
      expectSame(() => tf.sum(tf.tensor2d([[1, 2], [3, 4]], undefined, 'int32'), 0), 0);
      expectSame(() => tf.sum(tf.tensor1d([1, 0, 1], 'bool')), 0);
    });

    it.each([
      [[3, 4], [1, 0]],
      [[2, 3, 4], [0, 2, 1]],
      [[2, 3, 4], [2, 0, 1]],
      [[2, 3, 4, 5], [0, 2, 1, 3]],
      [[2, 3, 4, 5], [3, 2, 1, 0]],
    ])('transpose %j by %j', (shape, perm) => {
      expectSame(() => tf.transpose(randn(shape, 8), perm), 0);
    });
  });

  describe('Slice and PadV2', () => {
    it.each([
      [[5, 4], [1, 0], [3, 4]],
      [[4, 6, 3], [0, 0, 0], [4, 1, 3]],
      [[4, 6, 3], [1, 2, 1], [2, -1, 2]],
      [[7], [2], [0]],
    ])('slice %j from %j size %j', (shape, begin, size) => {
      expectSame(() => tf.slice(randn(shape, 11), begin, size), 0);
    });

    it.each([
      [[3, 4], [[1, 2], [0, 3]], 0],
      [[2, 3, 2], [[0, 0], [2, 1], [1, 0]], -1.5],
    ] as [number[], [number, number][], number][])('pad %j by %j with %d', (shape, paddings, value) => {
      expectSame(() => tf.pad(randn(shape, 12), paddings, value), 0);
    });

    it('slices with one box copy', () => {
      expect(nativeCalls('copyRegion', () => tf.slice(randn([4, 4], 1), [1, 1], [2, 2]))).toBe(1);
    });
  });

  describe('GatherV2 and UnsortedSegmentSum', () => {
    it('gathers rows along axis 0 with 1-D and 2-D indices', () => {
      expectSame(() => tf.gather(randn([10, 4], 9), tf.tensor1d([3, 0, 9, 3], 'int32')), 0);
      expectSame(() => tf.gather(randn([10, 2, 3], 9), tf.tensor2d([[1, 2], [8, 8]], undefined, 'int32')), 0);
      expect(nativeCalls('gatherRows', () => tf.gather(randn([10, 4], 9), tf.tensor1d([1], 'int32')))).toBe(1);
    });

    it('gathers along another axis through the JavaScript kernel', () => {
      expectSame(() => tf.gather(randn([4, 6], 9), tf.tensor1d([5, 0], 'int32'), 1), 0);
    });

    it('rejects an index out of range with the TensorFlow.js message', () => {
      registerNativeCpuKernels();
      try {
        expect(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([0, 3], 'int32'))).toThrow('GatherV2: the index value 3 is not in [0, 2]');
      } finally {
        unregisterNativeCpuKernels();
      }
    });

    it('sums segments natively, dropping ids outside [0, numSegments)', () => {
      const ids = tf.tensor1d([4, 0, 4, -1, 7, 2], 'int32');
      expectSame(() => tf.unsortedSegmentSum(randn([6, 3], 10), ids, 5), 1e-6);
      expect(nativeCalls('segmentSum', () => tf.unsortedSegmentSum(randn([6, 3], 10), ids, 5))).toBe(1);
    });

    it('accepts rank-2 segment ids (which the JavaScript kernel cannot broadcast) like their flattened form', () => {
      const x = randn([2, 3, 4], 10);
      // The op's typings say rank 1; TensorFlow (and the kernel) accept ids of any rank matching x's leading axes.
      const ids = tf.tensor2d([[0, 1, 1], [2, 0, 1]], undefined, 'int32') as unknown as tf.Tensor1D;
      const expected = tf.unsortedSegmentSum(tf.reshape(x, [6, 4]), tf.reshape(ids, [6]), 3);
      registerNativeCpuKernels();
      try {
        const actual = tf.unsortedSegmentSum(x, ids, 3);
        expect(actual.shape).toEqual([3, 4]);
        expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
      } finally {
        unregisterNativeCpuKernels();
      }
    });
  });

  it('leaks no tensors and restores the original kernels', () => {
    const before = tf.memory().numTensors;
    const original = tf.getKernel('BatchMatMul', 'cpu').kernelFunc;
    const { js, fast } = runBoth(() => tf.softmax(tf.matMul(randn([8, 8], 1), randn([8, 8], 2))));
    tf.dispose([...js, ...fast]);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.getKernel('BatchMatMul', 'cpu').kernelFunc).toBe(original);
  });
});
