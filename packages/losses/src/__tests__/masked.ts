import * as tf from '@tensorflow/tfjs-core';
import type { Loss, Reduction } from '../loss';

/**
 * A 3×4 mask for the plugin tests' 3×4 fixtures: the third column (urgency) is annotated by no example, the third
 * example annotates no label, the others are mixed; 4 of the 12 elements are kept.
 */
export const MASK_3X4 = [
  [1, 0, 0, 1],
  [1, 1, 0, 0],
  [0, 0, 0, 0],
];

/** `loss.compute(logits, targets, mask)` as plain numbers: a scalar or an N×L matrix. */
export function computeMasked(
  loss: Loss,
  logits: readonly (readonly number[])[],
  targets: readonly (readonly number[])[],
  mask: readonly (readonly number[])[],
): number | number[][] {
  return tf.tidy(() => {
    const value = loss.compute(
      tf.tensor2d(logits as number[][]),
      tf.tensor2d(targets as number[][]),
      tf.tensor2d(mask as number[][]),
    );
    return value.rank === 0 ? value.dataSync()[0]! : (value.arraySync() as number[][]);
  });
}

/** A scalar as a 1×1 matrix, so that scalars and matrices go through the same `worstRatio`. */
export const asMatrix = (value: number | number[][]): number[][] => (typeof value === 'number' ? [[value]] : value);

/** The three reductions, for `it.each`. */
export const REDUCTIONS: Reduction[] = ['mean', 'sum', 'none'];
