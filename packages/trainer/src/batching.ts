import * as tf from '@tensorflow/tfjs-core';

/**
 * One tokenised example: token ids (unpadded, already truncated), a 0/1 target per label and, when its source
 * leaves labels unannotated or weighs its examples, a loss mask per label (0 = not annotated, else the weight).
 */
export interface EncodedExample {
  readonly inputIds: ArrayLike<number>;
  readonly targets: ArrayLike<number>;
  readonly mask?: ArrayLike<number>;
}

/** A padded batch as tensors; {@link disposeBatch} releases them. */
export interface Batch {
  readonly inputIds: tf.Tensor2D;
  readonly attentionMask: tf.Tensor2D;
  readonly targets: tf.Tensor2D;
  /** Per-example, per-label loss mask; absent when no example of the batch has one (every label counts fully). */
  readonly lossMask?: tf.Tensor2D;
  readonly size: number;
}

/**
 * Builds a batch padded to its longest example (dynamic padding: short batches cost less).
 *
 * @param padId - token id used for padding (its positions get attention mask 0)
 * @throws RangeError for an empty batch, an empty example, or examples with different numbers of targets
 *
 * @example
 * ```ts
 * const batch = makeBatch([{ inputIds: [101, 7, 102], targets: [1, 0] }], 0);
 * batch.inputIds.shape; // [1, 3]
 * disposeBatch(batch);
 * ```
 */
export function makeBatch(examples: readonly EncodedExample[], padId = 0): Batch {
  if (examples.length === 0) throw new RangeError('a batch needs at least one example');
  const width = examples[0]!.targets.length;
  let length = 0;
  examples.forEach((e, i) => {
    if (e.inputIds.length === 0) throw new RangeError(`example ${i} of the batch has no tokens`);
    if (e.targets.length !== width) {
      throw new RangeError(`example ${i} of the batch has ${e.targets.length} targets, expected ${width}`);
    }
    if (e.mask && e.mask.length !== width) {
      throw new RangeError(`example ${i} of the batch has a loss mask of ${e.mask.length} values, expected ${width}`);
    }
    length = Math.max(length, e.inputIds.length);
  });
  const ids = new Int32Array(examples.length * length).fill(padId);
  const mask = new Int32Array(examples.length * length);
  const targets = new Float32Array(examples.length * width);
  const masked = examples.some((e) => e.mask);
  const lossMask = masked ? new Float32Array(examples.length * width).fill(1) : undefined;
  examples.forEach((e, i) => {
    for (let t = 0; t < e.inputIds.length; t++) {
      ids[i * length + t] = e.inputIds[t]!;
      mask[i * length + t] = 1;
    }
    for (let j = 0; j < width; j++) targets[i * width + j] = e.targets[j]!;
    if (lossMask && e.mask) for (let j = 0; j < width; j++) lossMask[i * width + j] = e.mask[j]!;
  });
  return {
    inputIds: tf.tensor2d(ids, [examples.length, length], 'int32'),
    attentionMask: tf.tensor2d(mask, [examples.length, length], 'int32'),
    targets: tf.tensor2d(targets, [examples.length, width], 'float32'),
    ...(lossMask ? { lossMask: tf.tensor2d(lossMask, [examples.length, width], 'float32') } : {}),
    size: examples.length,
  };
}

/**
 * Releases a batch's tensors.
 *
 * @example
 * ```ts
 * disposeBatch(makeBatch(examples));
 * ```
 */
export function disposeBatch(batch: Batch): void {
  batch.inputIds.dispose();
  batch.attentionMask.dispose();
  batch.targets.dispose();
  batch.lossMask?.dispose();
}

/**
 * Splits `order` into consecutive chunks of `batchSize` (the last one may be shorter).
 *
 * @example
 * ```ts
 * chunk([4, 2, 0, 1, 3], 2); // [[4, 2], [0, 1], [3]]
 * ```
 */
export function chunk<T>(order: readonly T[], batchSize: number): T[][] {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
  const chunks: T[][] = [];
  for (let i = 0; i < order.length; i += batchSize) chunks.push(order.slice(i, i + batchSize));
  return chunks;
}
