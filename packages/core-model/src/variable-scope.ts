import * as tf from '@tensorflow/tfjs-core';

let nextScope = 0;

/**
 * A unique prefix for the TensorFlow.js variable names of one model instance. TensorFlow.js refuses two
 * variables with the same name in one process, and two models (e.g. a teacher and a student, or a model and its
 * reloaded copy) have the same Hugging Face tensor names; the variable is therefore named `<scope>/<hf name>`.
 */
export function newVariableScope(kind: string): string {
  nextScope += 1;
  return `${kind}_${nextScope}`;
}

/**
 * Creates a variable from host data without leaving the initial tensor behind.
 *
 * @example
 * ```ts
 * const w = makeVariable(new Float32Array(6), [2, 3], true, 'head_1/classifier.weight');
 * ```
 */
export function makeVariable(data: Float32Array, shape: readonly number[], trainable: boolean, name: string): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(data, [...shape], 'float32'), trainable, name));
}
