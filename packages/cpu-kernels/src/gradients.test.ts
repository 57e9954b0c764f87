// Gradients in TensorFlow.js are built from forward kernels (a matmul's gradient is two matmuls, a gather's is an
// UnsortedSegmentSum), so the same gradients must come out with the JavaScript and the native kernels.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradient functions; the union package does.
import '@tensorflow/tfjs';
import { nativeKernelsAvailable } from './native-binding';
import { expectSame, randn } from './testing/compare';

const availability = nativeKernelsAvailable();

function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-12))), gamma), beta);
}

/** A small attention block plus an embedding lookup: the kernels the overrides replace appear in its gradient. */
function blockLoss(table: tf.Tensor, wq: tf.Tensor, wk: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, gamma: tf.Tensor): tf.Scalar {
  const ids = tf.tensor2d([[3, 1, 4, 1], [5, 9, 2, 6]], undefined, 'int32');
  const x = tf.reshape(tf.gather(table, tf.reshape(ids, [-1])), [2, 4, 6]);
  const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [2, 4, 2, 3]), [0, 2, 1, 3]);
  const flat = tf.reshape(x, [8, 6]);
  const q = heads(tf.matMul(flat, wq));
  const k = heads(tf.matMul(flat, wk));
  const attention = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(3)));
  const context = tf.reshape(tf.transpose(tf.matMul(attention, k), [0, 2, 1, 3]), [2, 4, 6]);
  const normed = layerNorm(tf.add(context, x), gamma, tf.zerosLike(gamma));
  const hidden = tf.mul(tf.mul(normed, 0.5), tf.add(tf.erf(tf.mul(normed, Math.SQRT1_2)), 1));
  const dense = tf.fused.matMul({ a: tf.reshape(hidden, [8, 6]), b: w1, bias: b1, activation: 'relu' });
  // A [CLS]-style slice: its gradient is a PadV2.
  const first = tf.slice(hidden, [0, 0, 0], [2, 1, 6]);
  return tf.add(tf.mean(tf.square(tf.sub(dense, 0.1))), tf.sum(first));
}

const params = () => [randn([10, 6], 1), randn([6, 6], 2), randn([6, 6], 3), randn([6, 5], 4), randn([5], 5), tf.add(randn([6], 6), 1)];

describe('gradients with the overrides equal the JavaScript gradients', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('through gather (UnsortedSegmentSum), with the pure-JavaScript fix only', () => {
    expectSame(() => tf.grads((table: tf.Tensor) => tf.sum(tf.mul(tf.gather(table, tf.tensor1d([2, 0, 2, 7], 'int32')), randn([4, 3], 2))))([randn([8, 3], 1)]), 1e-6, { native: false });
  });

  (availability.available ? describe : describe.skip)(`native (${availability.reason ?? 'addon built'})`, () => {
    it('through matMul with every transpose combination', () => {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
        const a = ta ? randn([4, 3], 1) : randn([3, 4], 1);
        const b = tb ? randn([5, 4], 2) : randn([4, 5], 2);
        expectSame(() => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, ta, tb))))([a, b]), 1e-5);
      }
    });

    // TensorFlow.js cannot differentiate a batched matMul against a 2-D weight (its gradient keeps the batch
    // dimension), so models flatten [batch, seq, dim] to 2-D first, as this block does.
    it('through a batched matMul', () => {
      expectSame(() => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.sin(tf.matMul(x, y))))([randn([2, 3, 4], 1), randn([2, 4, 5], 2)]), 1e-5);
    });

    it('through a small attention block with an embedding lookup, layer norm, GELU and a fused dense layer', () => {
      expectSame(() => tf.grads(blockLoss)(params()), 1e-5);
    });
  });
});

describe('the gradient of the embedding lookup against finite differences', () => {
  it('matches (f(x + h) - f(x - h)) / 2h for an entry used twice and an unused one', () => {
    const ids = tf.tensor1d([1, 1, 3], 'int32');
    const weights = randn([3, 2], 7);
    const f = (table: tf.Tensor) => tf.sum(tf.mul(tf.gather(table, ids), weights)) as tf.Scalar;
    const table = randn([4, 2], 8);
    const grad = tf.grad(f)(table).arraySync() as number[][];
    const h = 1e-2;
    for (const [row, col] of [[1, 0], [2, 1], [3, 1]]) {
      const bump = tf.buffer([4, 2]);
      bump.set(h, row, col);
      const numeric = (f(tf.add(table, bump.toTensor())).dataSync()[0] - f(tf.sub(table, bump.toTensor())).dataSync()[0]) / (2 * h);
      expect(grad[row][col]).toBeCloseTo(numeric, 3);
    }
    expect(grad[2]).toEqual([0, 0]);
  });
});
