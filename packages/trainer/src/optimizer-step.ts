import * as tf from '@tensorflow/tfjs-core';
import type { AdamW } from './adamw';
import { clipByGlobalNorm } from './clip-grad-norm';

/** A variable to update and its learning rate for this step. */
export interface RatedVariable {
  readonly variable: tf.Variable;
  readonly lr: number;
}

/**
 * One optimizer step: gradients of `loss` for the listed variables only, clipped by global norm (`gradClipNorm`, 0
 * disables it), then an AdamW update at each variable's rate. A variable the loss does not reach gets no gradient,
 * hence no update and no optimizer state. Every gradient is released; the fine-tuning and masked-LM loops step
 * through it.
 *
 * @example
 * ```ts
 * const { loss, gradNorm } = await optimizerStep(() => model.loss(inputs, { training: true }), variables.map((variable) => ({ variable, lr: 5e-5 })), adam, 1);
 * ```
 */
export async function optimizerStep(
  loss: () => tf.Scalar,
  variables: readonly RatedVariable[],
  adam: AdamW,
  gradClipNorm: number,
): Promise<{ loss: number; gradNorm: number }> {
  const { value, grads } = tf.variableGrads(
    loss,
    variables.map((v) => v.variable),
  );
  const withGradient = variables.filter((v) => grads[v.variable.name]);
  const { gradients, norm } = await clipByGlobalNorm(
    withGradient.map((v) => grads[v.variable.name]!),
    gradClipNorm,
  );
  try {
    await adam.step(withGradient.map((v, i) => ({ variable: v.variable, gradient: gradients[i]!, lr: v.lr })));
  } finally {
    gradients.forEach((g) => g.dispose());
    Object.values(grads).forEach((g) => g?.dispose());
  }
  const lossValue = (await value.data())[0]!;
  value.dispose();
  return { loss: lossValue, gradNorm: norm };
}
