import * as tf from '@tensorflow/tfjs-core';

/**
 * Checks that `logits` and `targets` are N×L float-compatible tensors of the same shape with L = `labels.length`,
 * and returns the targets as float32 (integer 0/1 targets are accepted). Throws `TypeError` / `RangeError` naming
 * the parameter, the loss and the expected shape.
 *
 * @example
 * ```ts
 * const y = checkLossInputs('bce', labels, logits, targets); // dispose `y` (or call inside tf.tidy)
 * ```
 */
export function checkLossInputs(
  lossId: string,
  labels: readonly string[],
  logits: tf.Tensor,
  targets: tf.Tensor,
): tf.Tensor2D {
  if (!(logits instanceof tf.Tensor)) throw new TypeError(`${lossId} loss: logits must be a tf.Tensor2D`);
  if (!(targets instanceof tf.Tensor)) throw new TypeError(`${lossId} loss: targets must be a tf.Tensor2D`);
  if (logits.rank !== 2) {
    throw new RangeError(`${lossId} loss: logits must be N×L (rank 2), got shape [${logits.shape.join(', ')}]`);
  }
  if (logits.dtype !== 'float32') {
    throw new TypeError(`${lossId} loss: logits must be float32, got ${logits.dtype}`);
  }
  const [, labelCount] = logits.shape;
  if (labelCount !== labels.length) {
    throw new RangeError(
      `${lossId} loss: logits have ${labelCount} columns but the loss was created for ${labels.length} labels ` +
        `(${labels.join(', ')})`,
    );
  }
  if (targets.rank !== 2 || targets.shape[0] !== logits.shape[0] || targets.shape[1] !== labelCount) {
    throw new RangeError(
      `${lossId} loss: targets must have the logits' shape [${logits.shape.join(', ')}], ` +
        `got [${targets.shape.join(', ')}]`,
    );
  }
  return (targets.dtype === 'float32' ? targets : tf.cast(targets, 'float32')) as tf.Tensor2D;
}
