import { MangaAssistError } from '@mangaassist/common';
import type { HeadTensorNames } from './graph/build-model';
import type { WeightSource } from './weight-source';

/**
 * Finds the two Linear layers of the classification head among the tensors outside the encoder: a `dim → hidden`
 * layer followed by a `hidden → numLabels` layer (both with weight and bias). Matching on shapes rather than
 * names accepts any naming of the head (Hugging Face's `pre_classifier`/`classifier`, or a custom one) while still
 * refusing a checkpoint whose head does not fit the configured labels. Throws `CHECKPOINT_INVALID` naming the
 * file and the candidates when no single chain matches.
 *
 * @example
 * ```ts
 * const head = findClassifierHead(weights, 768, 6); // { hidden: 'pre_classifier', output: 'classifier' }
 * ```
 */
export function findClassifierHead(weights: WeightSource, dim: number, numLabels: number): HeadTensorNames {
  const linears = weights
    .names()
    .filter((n) => n.endsWith('.weight') && !n.startsWith(weights.prefix || '\0') && !n.startsWith('vocab_'))
    .map((n) => n.slice(0, -'.weight'.length))
    .filter((base) => weights.has(`${base}.bias`, false) && weights.shapeOf(`${base}.weight`, false).length === 2);
  const shape = (base: string) => weights.shapeOf(`${base}.weight`, false) as [number, number];
  const chains: HeadTensorNames[] = [];
  for (const hidden of linears) {
    if (shape(hidden)[1] !== dim) continue;
    for (const output of linears) {
      if (output !== hidden && shape(output)[1] === shape(hidden)[0] && shape(output)[0] === numLabels) {
        chains.push({ hidden, output });
      }
    }
  }
  if (chains.length === 1) return chains[0]!;
  const found = linears.map((b) => `${b} ${JSON.stringify(shape(b))}`).join(', ') || 'none';
  throw new MangaAssistError(
    'CHECKPOINT_INVALID',
    `${weights.file}: expected one classifier head (Linear ${dim}→h, ReLU, Linear h→${numLabels}) outside the encoder; ` +
      `${chains.length === 0 ? 'found no such pair' : `found ${chains.length} candidate pairs`} among Linear layers: ${found}`,
    { file: weights.file },
  );
}
