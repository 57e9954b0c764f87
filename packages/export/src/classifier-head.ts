import { MangaAssistError } from '@mangaassist/common';
import { CLASSIFIER_HEAD_TENSORS, type HeadTensorNames } from '@mangaassist/model-format';
import type { WeightSource } from './weight-source';

/**
 * The classification head's two Linear layers: by the names the format fixes ({@link CLASSIFIER_HEAD_TENSORS},
 * what `core-model` saves and Hugging Face's `DistilBertForSequenceClassification` uses) when the checkpoint has
 * them, with the shapes `dim` and the label count require. Only a checkpoint without those names (a directory
 * written elsewhere, with a custom head) is searched by shape, see {@link findClassifierHead}.
 *
 * @example
 * ```ts
 * resolveClassifierHead(weights, 768, 6); // { hidden: 'pre_classifier', output: 'classifier' }
 * ```
 */
export function resolveClassifierHead(weights: WeightSource, dim: number, numLabels: number): HeadTensorNames {
  const { hidden, output } = CLASSIFIER_HEAD_TENSORS;
  const named = [hidden, output].every((base) => weights.has(`${base}.weight`, false) && weights.has(`${base}.bias`, false));
  if (!named) return findClassifierHead(weights, dim, numLabels);
  // The graph takes its widths from these tensors, so a head for another label count must be refused here: it
  // would export logits that config.json's labels do not describe.
  const width = weights.shapeOf(`${hidden}.weight`, false)[0] ?? 0;
  for (const [name, expected] of [[`${hidden}.weight`, [width, dim]], [`${output}.weight`, [numLabels, width]]] as const) {
    const shape = weights.shapeOf(name, false);
    if (shape.join() !== expected.join()) {
      throw new MangaAssistError(
        'CHECKPOINT_INVALID',
        `${weights.file}: tensor "${name}" has shape [${shape.join(', ')}]; a head for dim ${dim} and ${numLabels} labels requires [${expected.join(', ')}]`,
        { file: weights.file, tensor: name },
      );
    }
  }
  return { hidden, output };
}

/**
 * Finds the two Linear layers of a classification head named otherwise among the tensors outside the encoder: a
 * `dim → hidden` layer followed by a `hidden → numLabels` layer (both with weight and bias). Matching on shapes
 * accepts any naming of the head while still refusing a checkpoint whose head does not fit the configured labels.
 * Throws `CHECKPOINT_INVALID` naming the file and the candidates when no single chain matches.
 *
 * @example
 * ```ts
 * const head = findClassifierHead(weights, 768, 6); // { hidden: 'head.dense', output: 'head.out_proj' }
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
