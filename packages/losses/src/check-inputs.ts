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

const MASK_DTYPES: readonly tf.DataType[] = ['float32', 'int32', 'bool'];

/**
 * Checks the optional `mask` of `Loss.compute`: `undefined` (no mask) or a tensor of the logits' shape N×L,
 * float32, int32 or bool. Returns it as float32 (or `undefined`). Throws `TypeError` / `RangeError` naming the
 * parameter, the loss and the expected shape. Mask values are not read (that would need a synchronous download
 * from the device): 0/1 is the contract, other positive values act as per-element loss weights and values ≤ 0
 * exclude the element.
 *
 * @example
 * ```ts
 * const m = checkLossMask('bce', logits, mask); // dispose `m` (or call inside tf.tidy)
 * ```
 */
export function checkLossMask(lossId: string, logits: tf.Tensor, mask: tf.Tensor | undefined): tf.Tensor2D | undefined {
  if (mask === undefined) return undefined;
  if (!(mask instanceof tf.Tensor)) {
    throw new TypeError(`${lossId} loss: mask must be a tf.Tensor2D of 0/1 (1 = the label counts) or undefined`);
  }
  if (mask.rank !== 2 || mask.shape[0] !== logits.shape[0] || mask.shape[1] !== logits.shape[1]) {
    throw new RangeError(
      `${lossId} loss: mask must have the logits' shape [${logits.shape.join(', ')}], got [${mask.shape.join(', ')}]`,
    );
  }
  if (!MASK_DTYPES.includes(mask.dtype)) {
    throw new TypeError(`${lossId} loss: mask must be float32, int32 or bool, got ${mask.dtype}`);
  }
  return (mask.dtype === 'float32' ? mask : tf.cast(mask, 'float32')) as tf.Tensor2D;
}
