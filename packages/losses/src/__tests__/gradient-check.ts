import * as tf from '@tensorflow/tfjs-core';

/**
 * Central finite differences of a scalar function of an N×L matrix, in float32 through TensorFlow.js:
 * (f(x + h·e_ij) − f(x − h·e_ij)) / 2h for every element.
 */
export function finiteDifferences(f: (x: tf.Tensor2D) => tf.Tensor, x: number[][], h: number): number[][] {
  const value = (m: number[][]): number => tf.tidy(() => f(tf.tensor2d(m)).dataSync()[0]!);
  return x.map((row, i) =>
    row.map((_, j) => {
      const shifted = (delta: number) => x.map((r, a) => r.map((v, b) => (a === i && b === j ? v + delta : v)));
      return (value(shifted(h)) - value(shifted(-h))) / (2 * h);
    }),
  );
}

/** The gradient of a scalar function of an N×L matrix by TensorFlow.js autodiff, as nested arrays. */
export function autodiff(f: (x: tf.Tensor2D) => tf.Tensor, x: number[][]): number[][] {
  return tf.tidy(() => tf.grad((t) => f(t as tf.Tensor2D))(tf.tensor2d(x)).arraySync() as number[][]);
}

/** Largest |a − b| / (atol + rtol·|b|) over all elements: ≤ 1 means every element is within tolerance. */
export function worstRatio(actual: number[][], expected: number[][], atol: number, rtol: number): number {
  let worst = 0;
  actual.forEach((row, i) =>
    row.forEach((a, j) => {
      const b = expected[i]![j]!;
      worst = Math.max(worst, Math.abs(a - b) / (atol + rtol * Math.abs(b)));
    }),
  );
  return worst;
}

/** Largest absolute difference between two N×L matrices. */
export function maxAbsDiff(a: number[][], b: number[][]): number {
  return Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i]![j]!))));
}
