import * as tf from '@tensorflow/tfjs-core';
import type { ElementwiseFormula } from './elementwise-loss';
import { labelRow } from './elementwise-loss';
import { logSigmoid } from './stable-math';

/**
 * One side of a binary log-likelihood as a function of the logit z, with its derivative: e.g. (1 − p)^γ log p for
 * positives. Both return tensors of z's shape and use forward ops only.
 *
 * @example
 * ```ts
 * const term = focalPositiveTerm(2);
 * term.value(tf.tensor2d([[0]])); // (0.5)^2 · log 0.5
 * ```
 */
export interface BinaryTerm {
  value(z: tf.Tensor): tf.Tensor;
  derivative(z: tf.Tensor): tf.Tensor;
}

/**
 * (1 − p)^γ log p with d/dz = (1 − p)^γ [(1 − p) − γ p log p], p = σ(z). Powers are exp(γ·log-sigmoid), so γ = 0
 * is exactly log p and |z| = 100 stays finite.
 *
 * @example
 * ```ts
 * focalPositiveTerm(0).value(z); // log σ(z)
 * ```
 */
export function focalPositiveTerm(gamma: number): BinaryTerm {
  return {
    value: (z) => tf.mul(tf.exp(tf.mul(gamma, logSigmoid(tf.neg(z)))), logSigmoid(z)),
    derivative: (z) => {
      const p = tf.sigmoid(z);
      const q = tf.sigmoid(tf.neg(z));
      const focus = tf.exp(tf.mul(gamma, logSigmoid(tf.neg(z))));
      return tf.mul(focus, tf.sub(q, tf.mul(gamma, tf.mul(p, logSigmoid(z)))));
    },
  };
}

/**
 * p^γ log(1 − p) with d/dz = p^γ [γ (1 − p) log(1 − p) − p]: the mirror image of {@link focalPositiveTerm}
 * (it equals the positive term at −z, and its derivative is minus the positive derivative at −z).
 *
 * @example
 * ```ts
 * focalNegativeTerm(0).value(z); // log(1 − σ(z))
 * ```
 */
export function focalNegativeTerm(gamma: number): BinaryTerm {
  const mirrored = focalPositiveTerm(gamma);
  return {
    value: (z) => mirrored.value(tf.neg(z)),
    derivative: (z) => tf.neg(mirrored.derivative(tf.neg(z))),
  };
}

// Floor for the shifted probability under log(): p_m is 0 or ≥ ~1e-8 in float32, so the floor never changes a value
// that matters; it keeps p_m^(γ−1) finite where the negative is discarded (and masked out).
const SHIFTED_PROBABILITY_FLOOR = 1e-12;

/**
 * ASL's negative side p_m^γ log(1 − p_m) with the shifted probability p_m = max(p − m, 0), m > 0, and
 * d/dz = [p > m] p (1 − p) [γ p_m^(γ−1) log(1 − p_m) − p_m^γ / (1 − p_m)]. Negatives with p ≤ m give 0.
 *
 * @example
 * ```ts
 * shiftedNegativeTerm(4, 0.05).value(tf.scalar(-3)); // 0: p = 0.047 ≤ m
 * ```
 */
export function shiftedNegativeTerm(gamma: number, clip: number): BinaryTerm {
  if (!(clip > 0 && clip < 1)) throw new RangeError(`clip must be in (0, 1), got ${clip}`);
  const terms = (z: tf.Tensor) => {
    const shifted = tf.relu(tf.sub(tf.sigmoid(z), clip));
    // 1 − p_m = min(σ(−z) + m, 1) ≥ m > 0: no cancellation near p = 1 and never log(0).
    const oneMinusShifted = tf.minimum(tf.add(tf.sigmoid(tf.neg(z)), clip), 1);
    const logShifted = tf.log(tf.maximum(shifted, SHIFTED_PROBABILITY_FLOOR));
    return { shifted, oneMinusShifted, logShifted, logOneMinusShifted: tf.log(oneMinusShifted) };
  };
  return {
    value: (z) => {
      const t = terms(z);
      return tf.mul(tf.exp(tf.mul(gamma, t.logShifted)), t.logOneMinusShifted);
    },
    derivative: (z) => {
      const t = terms(z);
      const inner = tf.sub(
        tf.mul(gamma, tf.mul(tf.exp(tf.mul(gamma - 1, t.logShifted)), t.logOneMinusShifted)),
        tf.div(tf.exp(tf.mul(gamma, t.logShifted)), t.oneMinusShifted),
      );
      const active = tf.cast(tf.greater(t.shifted, 0), 'float32');
      const dShiftedDz = tf.mul(active, tf.mul(tf.sigmoid(z), tf.sigmoid(tf.neg(z))));
      return tf.mul(dShiftedDz, inner);
    },
  };
}

/**
 * ℓ = −w_l [y·P(z) + (1 − y)·N(z)] and ∂ℓ/∂z = −w_l [y·P′(z) + (1 − y)·N′(z)] for a positive term P, a negative term
 * N and a weight per label (the shape shared by focal and ASL).
 *
 * @example
 * ```ts
 * const focal = weightedBinaryFormula(focalPositiveTerm(2), focalNegativeTerm(2), alpha);
 * ```
 */
export function weightedBinaryFormula(
  positive: BinaryTerm,
  negative: BinaryTerm,
  weights: readonly number[],
): ElementwiseFormula {
  const mix = (y: tf.Tensor, p: tf.Tensor, n: tf.Tensor) =>
    tf.mul(tf.neg(tf.add(tf.mul(y, p), tf.mul(tf.sub(1, y), n))), labelRow(weights)) as tf.Tensor2D;
  return {
    value: (z, y) => mix(y, positive.value(z), negative.value(z)),
    derivative: (z, y) => mix(y, positive.derivative(z), negative.derivative(z)),
  };
}
