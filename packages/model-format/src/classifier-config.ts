import { describeZodIssues, MangaAssistError, savedNgramEnsembleSchema, savedWideHeadSchema, type SavedNgramEnsemble, type SavedWideHead } from '@mangaassist/common';
import { z } from 'zod';

/** `problem_type` of a saved classifier, as Hugging Face names multi-label classification. */
export const MULTI_LABEL_PROBLEM_TYPE = 'multi_label_classification';

/** `architectures[0]` of a classifier saved for training (`loadClassifier` reads it back). */
export const CLASSIFIER_ARCHITECTURE = 'MangaAssistDistilBertForMultiLabelClassification';

/**
 * `architectures[0]` of an exported classifier and of random classifier directories: the class transformers.js's
 * `text-classification` pipeline knows.
 */
export const SEQUENCE_CLASSIFICATION_ARCHITECTURE = 'DistilBertForSequenceClassification';

/**
 * The `config.json` key holding the head's shape and pooling (Hugging Face's config has no field for a two-layer
 * head, nor for mean pooling): `{ hidden_dim, inner_dropout, max_length, pooling }`, plus
 * `wide: { buckets, bigrams, lr_multiplier }` when the head has the wide part (absent: it has none). The ONNX export
 * reads `pooling` and `wide` from it, and serving `max_length`, so that both compute what training did.
 */
export const HEAD_CONFIG_KEY = 'mangaassist_head';

/**
 * The head's two Linear layers in `model.safetensors` (names without `.weight` / `.bias`), as Hugging Face's
 * `DistilBertForSequenceClassification` names them: `pre_classifier` (dim → hidden, then ReLU) and `classifier`
 * (hidden → labels). `core-model` saves them under these names and the export reads them by these names.
 *
 * @example
 * ```ts
 * tensors.get(`${CLASSIFIER_HEAD_TENSORS.output}.weight`)!.shape; // [labels, hidden]
 * ```
 */
export const CLASSIFIER_HEAD_TENSORS = { hidden: 'pre_classifier', output: 'classifier' } as const;

/** Names (without `.weight` / `.bias`) of the two Linear layers of a classification head. */
export interface HeadTensorNames {
  /** dim → hidden (followed by ReLU). */
  readonly hidden: string;
  /** hidden → number of labels. */
  readonly output: string;
}

/**
 * How the head turns the encoder's last hidden states into one vector per text: `cls` takes position 0 ([CLS], what
 * Hugging Face's `DistilBertForSequenceClassification` does); `mean` averages the positions whose attention mask is
 * 1. Mean pooling exists for encoders pretrained by masked-LM only, whose [CLS] vector was never trained.
 */
export const CLASSIFIER_POOLINGS = ['cls', 'mean'] as const;

/** One of {@link CLASSIFIER_POOLINGS}. */
export type ClassifierPooling = (typeof CLASSIFIER_POOLINGS)[number];

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
 * The head block (`config.json` → `mangaassist_head`) as `core-model` saves it. `pooling` defaults to `cls`
 * because directories saved before pooling was a choice have no field and pooled [CLS]; `wide` is absent for a
 * head without the wide part (and for every directory saved before it existed); `ngram_ensemble` likewise for a model
 * without the n-gram model fitted beside the network.
 */
export const savedHeadSchema = z
  .object({
    hidden_dim: z.number().int().positive(),
    inner_dropout: z.number().min(0).max(1),
    max_length: z.number().int().min(2),
    pooling: z.enum(CLASSIFIER_POOLINGS).default('cls'),
    wide: savedWideHeadSchema.optional(),
    ngram_ensemble: savedNgramEnsembleSchema.optional(),
  })
  .strict();

/** Parsed {@link savedHeadSchema}. */
export type SavedHead = z.infer<typeof savedHeadSchema>;

function invalid(file: string, message: string, details: Record<string, unknown>): MangaAssistError {
  return new MangaAssistError('CHECKPOINT_INVALID', `${file}: ${message}`, { file, ...details });
}

function wideError(file: string, issues: readonly z.core.$ZodIssue[], prefix: string): MangaAssistError {
  const [problem] = describeZodIssues(issues, prefix);
  return invalid(file, `"${HEAD_CONFIG_KEY}.wide" must be {buckets, bigrams, lr_multiplier?}: ${problem?.path}: ${problem?.message}`, {
    field: problem?.path ?? `${HEAD_CONFIG_KEY}.wide`,
  });
}

/**
 * `id2label` and `label2id` for labels in logit order: the one place a classifier's label maps are written.
 *
 * @example
 * ```ts
 * labelMaps(['frustration', 'neutral']); // { id2label: { '0': 'frustration', '1': 'neutral' }, label2id: { frustration: 0, neutral: 1 } }
 * ```
 */
export function labelMaps(labels: readonly string[]): { id2label: Record<string, string>; label2id: Record<string, number> } {
  return {
    id2label: Object.fromEntries(labels.map((label, i) => [String(i), label])),
    label2id: Object.fromEntries(labels.map((label, i) => [label, i])),
  };
}

/**
 * Labels in logit order from a config's `id2label` (keys `"0"`…`"n-1"`, each a non-empty name); every entry of
 * `label2id`, when present, must agree with it.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming `file` and the field (`id2label`, `id2label.<i>`, `label2id`)
 *
 * @example
 * ```ts
 * labelsFromConfig({ id2label: { 0: 'frustration', 1: 'neutral' } }, 'config.json'); // ['frustration', 'neutral']
 * ```
 */
export function labelsFromConfig(config: Readonly<Record<string, unknown>>, file: string): string[] {
  const id2label = config.id2label;
  if (id2label === null || typeof id2label !== 'object' || Array.isArray(id2label) || Object.keys(id2label).length === 0) {
    const found = id2label === undefined ? 'id2label is missing' : `id2label is ${JSON.stringify(id2label)}`;
    throw invalid(file, `${found}; "id2label" must map "0".."n-1" to label names`, { field: 'id2label' });
  }
  const entries = id2label as Record<string, unknown>;
  const count = Object.keys(entries).length;
  const labels = Array.from({ length: count }, (_, i) => {
    const label = entries[String(i)];
    if (typeof label !== 'string' || label.length === 0) {
      throw invalid(file, `id2label must map "0".."${count - 1}" to names; "${i}" is ${JSON.stringify(label)}`, { field: `id2label.${i}` });
    }
    return label;
  });
  // label2id is derived data (Hugging Face rebuilds it from id2label): an entry that contradicts id2label means the
  // maps were edited apart and the logit order is in doubt; an entry left out says nothing.
  const label2id = config.label2id;
  if (label2id !== null && typeof label2id === 'object') {
    const wrong = Object.entries(label2id as Record<string, unknown>).find(([label, id]) => labels[id as number] !== label);
    if (wrong) {
      throw invalid(file, `label2id disagrees with id2label: "${wrong[0]}" is ${JSON.stringify(wrong[1])} in label2id`, { field: `label2id.${wrong[0]}` });
    }
  }
  return labels;
}

/**
 * Checks that a config describes a multi-label classifier (`problem_type: "multi_label_classification"`), so that
 * a single-label checkpoint is not silently read with sigmoids.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming `file`, the field and the allowed value
 *
 * @example
 * ```ts
 * checkMultiLabel(raw, 'runs/m/config.json');
 * ```
 */
export function checkMultiLabel(config: Readonly<Record<string, unknown>>, file: string): void {
  if (config.problem_type !== MULTI_LABEL_PROBLEM_TYPE) {
    throw invalid(file, `problem_type is ${JSON.stringify(config.problem_type)}; allowed: "${MULTI_LABEL_PROBLEM_TYPE}"`, {
      field: 'problem_type',
      allowed: [MULTI_LABEL_PROBLEM_TYPE],
    });
  }
}

/**
 * The whole head block, for rebuilding the head exactly (`loadClassifier`): every field but `pooling` and `wide`
 * is required.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming `file`, the expected shape and the first bad field
 *
 * @example
 * ```ts
 * const head = parseSavedHead(raw, 'runs/m/config.json'); // { hidden_dim: 256, inner_dropout: 0.1, max_length: 128, pooling: 'cls' }
 * ```
 */
export function parseSavedHead(config: Readonly<Record<string, unknown>>, file: string): SavedHead {
  const parsed = savedHeadSchema.safeParse(config[HEAD_CONFIG_KEY]);
  if (parsed.success) return parsed.data;
  const [problem] = describeZodIssues(parsed.error.issues, HEAD_CONFIG_KEY);
  if (problem?.path.startsWith(`${HEAD_CONFIG_KEY}.wide`)) throw wideError(file, parsed.error.issues, HEAD_CONFIG_KEY);
  throw invalid(file, `"${HEAD_CONFIG_KEY}" must be {hidden_dim, inner_dropout, max_length, pooling?}: ${problem?.path}: ${problem?.message}`, {
    field: problem?.path ?? HEAD_CONFIG_KEY,
  });
}

function headField(config: Readonly<Record<string, unknown>>, field: string): unknown {
  const head = config[HEAD_CONFIG_KEY];
  return head !== null && typeof head === 'object' ? (head as Record<string, unknown>)[field] : undefined;
}

/**
 * The pooling the head was trained with, for readers that need only that (the ONNX export). Absent (a model saved
 * before pooling was a choice, or a directory not written by `core-model`) means `cls`, what such models used.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming `file`, the field and the allowed values for any other
 *   value: exporting with the wrong pooling would silently change every prediction
 *
 * @example
 * ```ts
 * headPooling(config, 'runs/m/config.json'); // 'mean'
 * ```
 */
export function headPooling(config: Readonly<Record<string, unknown>>, file: string): ClassifierPooling {
  const value = headField(config, 'pooling');
  if (value === undefined) return 'cls';
  if (CLASSIFIER_POOLINGS.includes(value as ClassifierPooling)) return value as ClassifierPooling;
  const field = `${HEAD_CONFIG_KEY}.pooling`;
  throw invalid(file, `"${field}" is ${JSON.stringify(value)}; allowed: ${CLASSIFIER_POOLINGS.join(', ')}`, {
    field,
    allowed: [...CLASSIFIER_POOLINGS],
  });
}

/**
 * The head's wide part, for readers that need only that (the ONNX export); `undefined` when absent.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming `file` and the field when the entry is malformed
 *
 * @example
 * ```ts
 * headWide(config, 'runs/m/config.json'); // { buckets: 262144, bigrams: true, lr_multiplier: 300 }
 * ```
 */
export function headWide(config: Readonly<Record<string, unknown>>, file: string): SavedWideHead | undefined {
  const value = headField(config, 'wide');
  if (value === undefined) return undefined;
  const parsed = savedWideHeadSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw wideError(file, parsed.error.issues, `${HEAD_CONFIG_KEY}.wide`);
}

/**
 * The n-gram ensemble's entry (`mangaassist_head.ngram_ensemble`), for readers that need only that (the ONNX export);
 * `undefined` when the model has none.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming `file` and the field when the entry is malformed
 *
 * @example
 * ```ts
 * headNgramEnsemble(config, 'runs/m/config.json'); // { weight: 0.5, buckets: 262144 }
 * ```
 */
export function headNgramEnsemble(config: Readonly<Record<string, unknown>>, file: string): SavedNgramEnsemble | undefined {
  const value = headField(config, 'ngram_ensemble');
  if (value === undefined) return undefined;
  const parsed = savedNgramEnsembleSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const [problem] = describeZodIssues(parsed.error.issues, `${HEAD_CONFIG_KEY}.ngram_ensemble`);
  throw invalid(file, `"${HEAD_CONFIG_KEY}.ngram_ensemble" must be {weight, buckets}: ${problem?.path}: ${problem?.message}`, {
    field: problem?.path ?? `${HEAD_CONFIG_KEY}.ngram_ensemble`,
  });
}

/**
 * The token limit the classifier was trained with (`mangaassist_head.max_length`), capped at the position table,
 * or `undefined` when not recorded: export and serving truncate where training truncated.
 *
 * @example
 * ```ts
 * headMaxLength(config, 512); // 128
 * ```
 */
export function headMaxLength(config: Readonly<Record<string, unknown>>, maxPositions: number): number | undefined {
  const value = headField(config, 'max_length');
  return Number.isInteger(value) && (value as number) >= 2 ? Math.min(value as number, maxPositions) : undefined;
}

/** What {@link classifierConfig} writes besides the encoder's config. */
export interface ClassifierConfigOptions {
  /** Labels in logit order. */
  readonly labels: readonly string[];
  /** Default {@link CLASSIFIER_ARCHITECTURE}. */
  readonly architecture?: string;
  /** The head block; absent: the config has none (a directory written for the export or a benchmark). */
  readonly head?: SavedHead;
}

/**
 * The `config.json` of a multi-label classifier: the encoder's config without a previous task's keys, the
 * architecture, `problem_type`, both label maps and (when given) the head block. `core-model`'s save and the random
 * directory writer both build it here.
 *
 * @example
 * ```ts
 * const config = classifierConfig(encoder.config, { labels: ['frustration', 'neutral'], head: { hidden_dim: 256, inner_dropout: 0.1, max_length: 128, pooling: 'cls' } });
 * ```
 */
export function classifierConfig(encoderConfig: Readonly<Record<string, unknown>>, options: ClassifierConfigOptions): Record<string, unknown> {
  return {
    ...encoderConfigWithoutHead(encoderConfig),
    architectures: [options.architecture ?? CLASSIFIER_ARCHITECTURE],
    problem_type: MULTI_LABEL_PROBLEM_TYPE,
    ...labelMaps(options.labels),
    ...(options.head ? { [HEAD_CONFIG_KEY]: options.head } : {}),
  };
}
