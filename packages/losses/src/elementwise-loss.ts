import * as tf from '@tensorflow/tfjs-core';
import { checkLossInputs, checkLossMask } from './check-inputs';
import type { Loss, Reduction } from './loss';
import { maskElements, reduceLoss, upstreamPerElement } from './reduce';

/**
 * A per-element loss ℓ(z, y) and its derivative ∂ℓ/∂z, both N×L, written with forward ops only.
 *
 * @example
 * ```ts
 * const bceFormula: ElementwiseFormula = {
 *   value: (z, y) => bceWithLogits(z, y) as tf.Tensor2D,
 *   derivative: (z, y) => tf.sub(tf.sigmoid(z), y),
 * };
 * ```
 */
export interface ElementwiseFormula {
  /** ℓ(z, y) for every element. */
  value(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor2D;
  /** ∂ℓ/∂z for every element. */
  derivative(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor2D;
}

/**
 * Builds a stateless {@link Loss} from a per-element formula: checks the inputs, evaluates the formula inside
 * `tf.tidy`, applies the reduction, and attaches the formula's own derivative with `tf.customGrad`.
 *
 * The loss carries its gradient itself because `@tensorflow/tfjs-core` registers no op gradients on its own (the
 * `@tensorflow/tfjs` bundle does): with a custom gradient the loss is differentiable on any backend with nothing but
 * tfjs-core, and the gradient stays finite where a chain of op gradients would multiply 0 by ∞.
 *
 * With a mask, the value is reduced over the kept elements ({@link reduceLoss}) and the gradient is the formula's
 * derivative times the mask and the same upstream scale (dy / number of kept elements for `mean`), with masked
 * elements set to exactly 0 ({@link maskElements}). The mask is captured by the gradient, not differentiated: it gets
 * no gradient. Without a mask the computation is the one from before masks existed, bit for bit.
 *
 * @example
 * ```ts
 * const loss = elementwiseLoss('bce', labels, 'mean', bceFormula);
 * const dLogits = tf.grad((z: tf.Tensor2D) => loss.compute(z, targets) as tf.Scalar)(logits);
 * const masked = loss.compute(logits, targets, mask); // mean over the elements where mask = 1
 * ```
 */
export function elementwiseLoss(
  id: string,
  labels: readonly string[],
  reduction: Reduction,
  formula: ElementwiseFormula,
): Loss {
  const labelList = [...labels];
  return {
    id,
    compute(logits, targets, mask) {
      return tf.tidy(() => {
        const y = checkLossInputs(id, labelList, logits, targets);
        const m = checkLossMask(id, logits, mask);
        const withGradient = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
          const [z, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
          // Saved copies outlive this tidy, so the backward pass can run after compute() returns.
          save(m === undefined ? [z, y] : [z, y, m]);
          return {
            value: reduceLoss(formula.value(z, y), reduction, m),
            gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
              const [zSaved, ySaved, mSaved] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D | undefined];
              const upstream = upstreamPerElement(dy, reduction, zSaved.shape, mSaved);
              const dz = tf.mul(upstream, formula.derivative(zSaved, ySaved));
              return mSaved === undefined ? dz : maskElements(dz, mSaved);
            },
          };
        });
        return withGradient(logits);
      });
    },
    trainableVariables: () => [],
    dispose: () => undefined,
  };
}

/**
 * A constant per-label row (1×L) for broadcasting over a batch; call inside `tf.tidy`.
 *
 * @example
 * ```ts
 * tf.mul(perElement, labelRow([0.4, 1, 6])); // scales each column
 * ```
 */
export function labelRow(values: readonly number[]): tf.Tensor2D {
  return tf.tensor2d([...values], [1, values.length], 'float32');
}
