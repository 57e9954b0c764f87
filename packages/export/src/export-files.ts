import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeZodIssues, MangaAssistError, savedWideHeadSchema } from '@mangaassist/common';
import { CLASSIFIER_POOLINGS, type ClassifierPooling } from './graph/build-model';
import type { WideGraphOptions } from './graph/wide';
import type { ClassifierModelDir } from './model-dir';
import { readJsonFile } from './model-dir';

/** Tokenizer files copied unchanged when present (`tokenizer.json` is required, `tokenizer_config.json` rewritten). */
const OPTIONAL_TOKENIZER_FILES = ['special_tokens_map.json', 'vocab.txt'];

/**
 * The `config.json` transformers.js needs: the source config plus the sequence-classification architecture, the
 * multi-label problem type (so its pipeline applies a sigmoid, not a softmax) and both label maps. The source's
 * `mangaassist_head` (head shape, token limit, pooling) is kept, so the export still says how it pools.
 *
 * @example
 * ```ts
 * writeFileSync('out/config.json', JSON.stringify(exportConfig(model), null, 2));
 * ```
 */
export function exportConfig(model: ClassifierModelDir): Record<string, unknown> {
  return {
    ...model.config,
    model_type: 'distilbert',
    architectures: ['DistilBertForSequenceClassification'],
    problem_type: 'multi_label_classification',
    id2label: Object.fromEntries(model.labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(model.labels.map((l, i) => [l, i])),
  };
}

/** Key under which `core-model` saves the head's shape, pooling and the training token limit in `config.json`. */
export const HEAD_CONFIG_KEY = 'mangaassist_head';

/**
 * The pooling the classifier was trained with (`config.json` → `mangaassist_head.pooling`), so that the exported
 * graph feeds its head what training fed it. Absent (a model saved before pooling was a choice, or a directory not
 * written by `core-model`) means `cls`, what such models were trained with.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming `config.json`, the field and the allowed values when the
 *   field holds anything else: exporting with the wrong pooling would silently change every prediction
 *
 * @example
 * ```ts
 * classifierPooling(readClassifierModelDir('runs/m')); // 'mean'
 * ```
 */
export function classifierPooling(model: Pick<ClassifierModelDir, 'config' | 'dir'>): ClassifierPooling {
  const head = model.config[HEAD_CONFIG_KEY];
  const value = head !== null && typeof head === 'object' ? (head as { pooling?: unknown }).pooling : undefined;
  if (value === undefined) return 'cls';
  if (CLASSIFIER_POOLINGS.includes(value as ClassifierPooling)) return value as ClassifierPooling;
  const file = join(model.dir, 'config.json');
  const field = `${HEAD_CONFIG_KEY}.pooling`;
  throw new MangaAssistError(
    'CHECKPOINT_INVALID',
    `${file}: "${field}" is ${JSON.stringify(value)}; allowed: ${CLASSIFIER_POOLINGS.join(', ')}`,
    { file, field, allowed: [...CLASSIFIER_POOLINGS] },
  );
}

/**
 * The head's wide part (`config.json` → `mangaassist_head.wide`: `{ buckets, bigrams, lr_multiplier? }`), so that
 * the exported graph adds the same n-gram logits training did; `undefined` when absent (a head without it, or a
 * model saved before it existed).
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming `config.json` and the field when the entry is malformed:
 *   exporting without (or with a different) wide part would silently change every prediction
 *
 * @example
 * ```ts
 * classifierWide(readClassifierModelDir('runs/m')); // { buckets: 262144, bigrams: true }
 * ```
 */
export function classifierWide(model: Pick<ClassifierModelDir, 'config' | 'dir'>): WideGraphOptions | undefined {
  const head = model.config[HEAD_CONFIG_KEY];
  const value = head !== null && typeof head === 'object' ? (head as { wide?: unknown }).wide : undefined;
  if (value === undefined) return undefined;
  const parsed = savedWideHeadSchema.safeParse(value);
  if (parsed.success) return { buckets: parsed.data.buckets, bigrams: parsed.data.bigrams };
  const file = join(model.dir, 'config.json');
  const [problem] = describeZodIssues(parsed.error.issues, `${HEAD_CONFIG_KEY}.wide`);
  throw new MangaAssistError(
    'CHECKPOINT_INVALID',
    `${file}: "${HEAD_CONFIG_KEY}.wide" must be {buckets, bigrams, lr_multiplier?}: ${problem?.path}: ${problem?.message}`,
    { file, field: problem?.path ?? `${HEAD_CONFIG_KEY}.wide` },
  );
}

/**
 * The token limit the classifier was trained with (`config.json` → `mangaassist_head.max_length`), if recorded:
 * serving truncates to it too, so that texts are cut where training cut them.
 *
 * @example
 * ```ts
 * trainingMaxLength(readClassifierModelDir('runs/m')); // 128
 * ```
 */
export function trainingMaxLength(model: Pick<ClassifierModelDir, 'config' | 'dims'>): number | undefined {
  const head = model.config[HEAD_CONFIG_KEY] as { max_length?: unknown } | undefined;
  const value = head?.max_length;
  return Number.isInteger(value) && (value as number) >= 2 ? Math.min(value as number, model.dims.maxPositions) : undefined;
}

/**
 * Copies `tokenizer.json` and the optional vocabulary files, and writes a `tokenizer_config.json` that
 * transformers.js understands: transformers 5 saves `tokenizer_class: "TokenizersBackend"`, which older readers do
 * not know, and an unbounded `model_max_length`; the export names the BERT WordPiece class and sets the length to
 * the training token limit (else the model's position embeddings), so transformers.js truncates where training did. Returns the written file names.
 *
 * @example
 * ```ts
 * copyTokenizerFiles(model, 'out'); // ['tokenizer.json', 'tokenizer_config.json', 'vocab.txt']
 * ```
 */
export function copyTokenizerFiles(model: ClassifierModelDir, outDir: string): string[] {
  const tokenizerFile = join(model.dir, 'tokenizer.json');
  if (!existsSync(tokenizerFile)) {
    throw new MangaAssistError('NOT_FOUND', `${tokenizerFile} does not exist: the export needs the model's tokenizer`, {
      file: tokenizerFile,
    });
  }
  copyFileSync(tokenizerFile, join(outDir, 'tokenizer.json'));
  const written = ['tokenizer.json'];
  const configFile = join(model.dir, 'tokenizer_config.json');
  const source = existsSync(configFile) ? readJsonFile(configFile) : {};
  const tokenizerClass = source.tokenizer_class;
  const config = {
    do_lower_case: true,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
    ...source,
    tokenizer_class:
      typeof tokenizerClass === 'string' && tokenizerClass !== 'TokenizersBackend' ? tokenizerClass : 'DistilBertTokenizer',
    model_max_length: trainingMaxLength(model) ?? model.dims.maxPositions,
  };
  writeFileSync(join(outDir, 'tokenizer_config.json'), `${JSON.stringify(config, null, 2)}\n`);
  written.push('tokenizer_config.json');
  for (const name of OPTIONAL_TOKENIZER_FILES) {
    if (existsSync(join(model.dir, name))) {
      copyFileSync(join(model.dir, name), join(outDir, name));
      written.push(name);
    }
  }
  return written;
}

/** Where the exported thresholds came from. */
export type ThresholdsSource = { readonly kind: 'file'; readonly file: string } | { readonly kind: 'default'; readonly value: number };

/** The threshold used for every label when no calibrated thresholds exist. */
export const DEFAULT_THRESHOLD = 0.5;

/**
 * The `thresholds.json` to ship, in the format `calibrate` writes (`{ version: 1, strategy, createdAt, thresholds,
 * details }`, owned by `@mangaassist/thresholds`): the calibrated file unchanged when `file` exists, else
 * {@link DEFAULT_THRESHOLD} for every label with strategy `default`. A calibrated file must have version 1 and
 * give only known labels a value in (0, 1); anything else throws `CHECKPOINT_INVALID` naming the file and label.
 * Labels the file leaves out fall back to the server's default threshold.
 *
 * @example
 * ```ts
 * const { contents, source } = resolveThresholds(['frustration', 'neutral'], 'runs/model/thresholds.json');
 * ```
 */
export function resolveThresholds(
  labels: readonly string[],
  file: string | undefined,
  now: () => Date = () => new Date(),
): { contents: Record<string, unknown>; source: ThresholdsSource } {
  if (!file || !existsSync(file)) {
    return {
      contents: {
        version: 1,
        strategy: 'default',
        createdAt: now().toISOString(),
        thresholds: Object.fromEntries(labels.map((l) => [l, DEFAULT_THRESHOLD])),
        details: {},
      },
      source: { kind: 'default', value: DEFAULT_THRESHOLD },
    };
  }
  const raw = readJsonFile(file);
  const fail = (message: string, field: string) => new MangaAssistError('CHECKPOINT_INVALID', `${file}: ${message}`, { file, field });
  if (raw.version !== 1) throw fail(`"version" must be 1, got ${JSON.stringify(raw.version)}`, 'version');
  const thresholds = raw.thresholds;
  if (thresholds === null || typeof thresholds !== 'object' || Array.isArray(thresholds)) {
    throw fail('"thresholds" must be an object of label → threshold', 'thresholds');
  }
  for (const [label, value] of Object.entries(thresholds)) {
    if (!labels.includes(label)) throw fail(`"thresholds.${label}": unknown label; the model's labels are ${labels.join(', ')}`, `thresholds.${label}`);
    if (typeof value !== 'number' || !(value > 0 && value < 1)) {
      throw fail(`"thresholds.${label}" must be a number in (0, 1), got ${JSON.stringify(value)}`, `thresholds.${label}`);
    }
  }
  return { contents: raw, source: { kind: 'file', file } };
}
