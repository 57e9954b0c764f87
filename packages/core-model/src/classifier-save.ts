import { writeModelFiles } from './model-files';
import type { MultiLabelClassifier } from './multi-label-classifier';

/** `problem_type` of a saved classifier, as Hugging Face names multi-label classification. */
export const MULTI_LABEL_PROBLEM_TYPE = 'multi_label_classification';
/** `architectures[0]` of a saved classifier. */
export const CLASSIFIER_ARCHITECTURE = 'MangaAssistDistilBertForMultiLabelClassification';
/**
 * The `config.json` key holding the head's shape and pooling (Hugging Face's config has no field for a two-layer
 * head, nor for mean pooling): `{ hidden_dim, inner_dropout, max_length, pooling }`, plus
 * `wide: { buckets, bigrams, lr_multiplier }` when the head has the wide part (absent: it has none). The ONNX export
 * reads `pooling` and `wide` from it, so that the exported graph computes what training did.
 */
export const HEAD_CONFIG_KEY = 'mangaassist_head';

/**
 * `config.json` keys that describe the task head of the checkpoint a model was built from; a save for another task
 * drops them (a masked-LM saved from a fine-tuned classifier is not a multi-label classifier).
 *
 * @example
 * ```ts
 * STALE_CONFIG_KEYS.includes('id2label'); // true
 * ```
 */
export const STALE_CONFIG_KEYS: readonly string[] = ['architectures', 'id2label', 'label2id', 'problem_type', 'num_labels', HEAD_CONFIG_KEY];

/**
 * An encoder's config without {@link STALE_CONFIG_KEYS}: what a save for a new task starts from.
 *
 * @example
 * ```ts
 * const config = { ...encoderConfigWithoutHead(model.encoder.config), architectures: ['DistilBertForMaskedLM'] };
 * ```
 */
export function encoderConfigWithoutHead(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !STALE_CONFIG_KEYS.includes(k)));
}

/**
 * Writes `model` as a Hugging Face-style directory (see {@link MultiLabelClassifier.save}).
 *
 * @example
 * ```ts
 * await saveClassifier(model, 'runs/train/best');
 * ```
 */
export async function saveClassifier(model: MultiLabelClassifier, dir: string): Promise<void> {
  await writeModelFiles(dir, model.namedVariables(), {
    ...encoderConfigWithoutHead(model.encoder.config),
    architectures: [CLASSIFIER_ARCHITECTURE],
    problem_type: MULTI_LABEL_PROBLEM_TYPE,
    id2label: Object.fromEntries(model.labels.map((label, i) => [String(i), label])),
    label2id: Object.fromEntries(model.labels.map((label, i) => [label, i])),
    seq_classif_dropout: model.head.dropout,
    [HEAD_CONFIG_KEY]: {
      hidden_dim: model.head.hiddenDim,
      inner_dropout: model.head.innerDropout,
      max_length: model.maxLength,
      pooling: model.head.pooling,
      // Only when on: a head without the wide part saves exactly what it saved before the option existed.
      ...(model.head.wide
        ? { wide: { buckets: model.head.wide.buckets, bigrams: model.head.wide.bigrams, lr_multiplier: model.head.wide.lrMultiplier } }
        : {}),
    },
  });
  model.tokenizer.save(dir);
}
