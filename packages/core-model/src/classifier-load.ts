import { describeZodIssues, MangaAssistError, readSafetensors, savedWideHeadSchema } from '@mangaassist/common';
import { join } from 'node:path';
import { z } from 'zod';
import { CLASSIFIER_POOLINGS, checkPooling, DEFAULT_HEAD, headWeightSpecs, type ClassifierHeadConfig } from './classifier-head';
import { HEAD_CONFIG_KEY, MULTI_LABEL_PROBLEM_TYPE } from './classifier-save';
import type { EncoderOptions } from './distilbert-encoder';
import { MultiLabelClassifier } from './multi-label-classifier';
import { assertTfjsBackend, checkVocabulary, fromPretrained, readModelConfig, weightsFile, type FromPretrainedOptions } from './pretrained';
import { SeededRandom } from './prng';
import { resolveWideHead, wideWeightSpecs, type WideHeadOptions } from './wide-head';
import { WordPieceTokenizer } from './wordpiece-tokenizer';

/** Options of {@link createClassifier}. */
export interface CreateClassifierOptions extends FromPretrainedOptions {
  /** Label names, in logit order. */
  readonly labels: readonly string[];
  /** Seeds the new head's weights and the dropout masks (default 42). */
  readonly seed?: number;
  /**
   * Head shape, dropouts and pooling; default {@link DEFAULT_HEAD} (256 hidden, dropout 0.2 then 0.1, [CLS]
   * pooling). `pooling: 'mean'` averages the real tokens instead, for encoders whose [CLS] vector was never trained.
   * `wide: { enabled: true }` adds the wide part (unigrams and hashed bigrams, zero-initialised; see `wideLogits`).
   */
  readonly head?: Partial<Omit<ClassifierHeadConfig, 'wide'>> & { readonly wide?: WideHeadOptions };
  /** Default token limit of predictions (default 128). */
  readonly maxLength?: number;
}

function checkLabels(labels: readonly string[]): void {
  if (!Array.isArray(labels) || labels.length === 0) throw new RangeError('labels must be a non-empty array of names');
  const seen = new Set<string>();
  for (const label of labels) {
    if (typeof label !== 'string' || label.length === 0) throw new TypeError('labels must be non-empty strings');
    if (seen.has(label)) throw new RangeError(`labels must be unique; "${label}" appears twice`);
    seen.add(label);
  }
}

/**
 * A new multi-label classifier on a pretrained encoder (directory or hub id). The head is initialised as Hugging
 * Face initialises linear layers (normal with the config's `initializer_range`, zero biases), from `seed`, so
 * the same seed gives the same head.
 *
 * @example
 * ```ts
 * await selectTfjsBackend();
 * const model = await createClassifier('../shared/models/mini-distilbert-mlm', {
 *   labels: ['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral'],
 *   seed: 7,
 * });
 * console.log(model.report?.ignored); // the MLM head tensors
 * ```
 */
export async function createClassifier(encoderDirOrId: string, options: CreateClassifierOptions): Promise<MultiLabelClassifier> {
  checkLabels(options.labels);
  const seed = options.seed ?? 42;
  const { wide: wideOptions, ...deepOptions } = options.head ?? {};
  const wide = resolveWideHead(wideOptions);
  const head: ClassifierHeadConfig = { ...DEFAULT_HEAD, ...deepOptions, ...(wide ? { wide } : {}) };
  checkPooling(head.pooling);
  const pretrained = await fromPretrained(encoderDirOrId, { ...options, seed });
  const rng = new SeededRandom(seed);
  const headWeights = new Map<string, Float32Array>();
  for (const s of headWeightSpecs(pretrained.config.dim, options.labels.length, head)) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    headWeights.set(s.name, s.shape.length === 2 ? rng.normalArray(size, pretrained.config.initializer_range) : new Float32Array(size));
  }
  // Zero tables draw nothing from `rng`: the deep head is the same with and without the wide part.
  if (wide) {
    for (const s of wideWeightSpecs(pretrained.config.vocab_size, options.labels.length, wide)) {
      headWeights.set(s.name, new Float32Array(s.shape[0] * s.shape[1]));
    }
  }
  try {
    return new MultiLabelClassifier({
      encoder: pretrained.encoder,
      tokenizer: pretrained.tokenizer,
      labels: options.labels,
      head,
      headWeights,
      maxLength: options.maxLength ?? 128,
      seed: seed + 1,
      report: pretrained.report,
    });
  } catch (error) {
    pretrained.encoder.dispose();
    throw error;
  }
}

const savedHeadSchema = z
  .object({
    hidden_dim: z.number().int().positive(),
    inner_dropout: z.number().min(0).max(1),
    max_length: z.number().int().min(2),
    // Directories saved before pooling was a choice have no field: they pooled [CLS].
    pooling: z.enum(CLASSIFIER_POOLINGS).default('cls'),
    // Absent: no wide part (every directory saved before it existed, and every head without it).
    wide: savedWideHeadSchema.optional(),
  })
  .strict();

function invalid(file: string, message: string, details: Record<string, unknown> = {}): MangaAssistError {
  return new MangaAssistError('CHECKPOINT_INVALID', `${file}: ${message}`, { file, ...details });
}

function labelsFromConfig(raw: Record<string, unknown>, file: string): string[] {
  const id2label = raw.id2label as Record<string, unknown> | undefined;
  if (!id2label || typeof id2label !== 'object') throw invalid(file, 'id2label is missing', { field: 'id2label' });
  const count = Object.keys(id2label).length;
  const labels: string[] = [];
  for (let i = 0; i < count; i++) {
    const label = id2label[String(i)];
    if (typeof label !== 'string') {
      throw invalid(file, `id2label must map "0".."${count - 1}" to names; "${i}" is ${JSON.stringify(label)}`, {
        field: 'id2label',
      });
    }
    labels.push(label);
  }
  const label2id = raw.label2id as Record<string, unknown> | undefined;
  if (label2id && labels.some((label, i) => label2id[label] !== i)) {
    throw invalid(file, 'label2id disagrees with id2label', { field: 'label2id' });
  }
  return labels;
}

/**
 * Loads a classifier saved by {@link MultiLabelClassifier.save}. Weights, labels, head shape, pooling, wide part and
 * tokenizer come back exactly, so the loaded model computes bit-identical logits. A directory saved before pooling
 * was a choice (no `mangaassist_head.pooling`) loads with [CLS] pooling, which is what it was trained with; one
 * without `mangaassist_head.wide` loads without the wide part.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming config.json and the field (problem_type, id2label, the
 *   head entry) or model.safetensors and the tensor (missing, wrong shape); `NOT_FOUND` for a missing file
 *
 * @example
 * ```ts
 * const model = await loadClassifier('runs/train/best');
 * const probabilities = await model.predictProbabilities(['cancel my order, never again']);
 * ```
 */
export async function loadClassifier(dir: string, options: EncoderOptions = {}): Promise<MultiLabelClassifier> {
  assertTfjsBackend('loadClassifier');
  const configFile = join(dir, 'config.json');
  const { raw, family, config } = readModelConfig(dir);
  if (raw.problem_type !== MULTI_LABEL_PROBLEM_TYPE) {
    throw invalid(configFile, `problem_type is ${JSON.stringify(raw.problem_type)}; allowed: "${MULTI_LABEL_PROBLEM_TYPE}"`, {
      field: 'problem_type',
    });
  }
  const labels = labelsFromConfig(raw, configFile);
  const savedHead = savedHeadSchema.safeParse(raw[HEAD_CONFIG_KEY]);
  if (!savedHead.success) {
    const [problem] = describeZodIssues(savedHead.error.issues, HEAD_CONFIG_KEY);
    const wideProblem = problem?.path.startsWith(`${HEAD_CONFIG_KEY}.wide`);
    const shape = wideProblem
      ? `"${HEAD_CONFIG_KEY}.wide" must be {buckets, bigrams, lr_multiplier?}`
      : `"${HEAD_CONFIG_KEY}" must be {hidden_dim, inner_dropout, max_length, pooling?}`;
    throw invalid(configFile, `${shape}: ${problem?.path}: ${problem?.message}`, {
      field: problem?.path ?? HEAD_CONFIG_KEY,
    });
  }
  const savedWide = savedHead.data.wide;
  const head: ClassifierHeadConfig = {
    hiddenDim: savedHead.data.hidden_dim,
    dropout: config.seq_classif_dropout,
    innerDropout: savedHead.data.inner_dropout,
    pooling: savedHead.data.pooling,
    ...(savedWide
      ? { wide: { enabled: true, buckets: savedWide.buckets, bigrams: savedWide.bigrams, lrMultiplier: savedWide.lr_multiplier } }
      : {}),
  };
  const file = weightsFile(dir);
  const { tensors } = readSafetensors(file);
  const { weights, report } = family.weightsFromTensors(tensors, config, file);
  const headWeights = new Map<string, Float32Array>();
  const specs = [...headWeightSpecs(config.dim, labels.length, head), ...(head.wide ? wideWeightSpecs(config.vocab_size, labels.length, head.wide) : [])];
  for (const s of specs) {
    const tensor = tensors.get(s.name);
    if (!tensor) throw invalid(file, `missing tensor "${s.name}" [${s.shape.join(', ')}] of the classification head`, { tensor: s.name });
    if (!(tensor.data instanceof Float32Array) || tensor.shape.join() !== s.shape.join()) {
      throw invalid(
        file,
        `tensor "${s.name}" is ${tensor.dtype} [${tensor.shape.join(', ')}]; the head of ${labels.length} labels requires float [${s.shape.join(', ')}]`,
        { tensor: s.name },
      );
    }
    headWeights.set(s.name, tensor.data);
  }
  const tokenizer = WordPieceTokenizer.fromDirectory(dir);
  checkVocabulary(tokenizer, config, dir);
  const encoder = family.createEncoder(config, weights, options);
  try {
    return new MultiLabelClassifier({
      encoder,
      tokenizer,
      labels,
      head,
      headWeights,
      maxLength: savedHead.data.max_length,
      seed: (options.seed ?? 0) + 1,
      report: { ...report, ignored: report.ignored.filter((name) => !headWeights.has(name)) },
    });
  } catch (error) {
    encoder.dispose();
    throw error;
  }
}
