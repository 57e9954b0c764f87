import type { Example } from './types';

/**
 * Encodes each example's labels as a multi-hot row (1 where the label is on, in the order of `labels`), the
 * target format of a multi-label classifier head. A label outside `labels` is a `RangeError` naming it, since
 * dropping it silently would train the model on wrong targets.
 *
 * @example
 * ```ts
 * toMultiHot([{ text: 'late again!!', labels: ['frustration'] }], ['frustration', 'neutral']);
 * // [Float32Array [1, 0]]
 * ```
 */
export function toMultiHot(examples: readonly Pick<Example, 'labels'>[], labels: readonly string[]): Float32Array[] {
  const column = new Map(labels.map((label, index) => [label, index]));
  return examples.map((example, row) => {
    const hot = new Float32Array(labels.length);
    for (const label of example.labels) {
      const index = column.get(label);
      if (index === undefined) {
        throw new RangeError(`examples[${row}] has label "${label}" which is not in labels (${labels.join(', ')})`);
      }
      hot[index] = 1;
    }
    return hot;
  });
}
