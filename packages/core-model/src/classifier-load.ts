import { MangaAssistError } from '@mangaassist/common';
import { checkMultiLabel, CONFIG_FILE, HEAD_CONFIG_KEY, labelsFromConfig, parseSavedHead, readSafetensors, WordPieceTokenizer } from '@mangaassist/model-format';
import { join } from 'node:path';
import { checkPooling, DEFAULT_HEAD, headWeightSpecs, type ClassifierHeadConfig } from './classifier-head';
import type { EncoderOptions } from './distilbert-encoder';
import { MultiLabelClassifier } from './multi-label-classifier';
import { ngramEnsembleTensorSpecs, ngramEnsembleWeightsProblem, type NgramEnsembleField, type NgramEnsembleWeights } from './ngram-ensemble';
import { assertTfjsBackend, checkVocabulary, fromPretrained, readModelConfig, weightsFile, type FromPretrainedOptions } from './pretrained';
import { SeededRandom } from './prng';
import { resolveWideHead, wideWeightSpecs, type WideHeadOptions } from './wide-head';

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
      report: {
        ...pretrained.report,
        ...(pretrained.newTokens ? { newTokens: pretrained.newTokens } : {}),
        ...(pretrained.textReplacements ? { textReplacements: pretrained.textReplacements } : {}),
      },
    });
  } catch (error) {
    pretrained.encoder.dispose();
    throw error;
  }
}

function invalid(file: string, message: string, details: Record<string, unknown> = {}): MangaAssistError {
  return new MangaAssistError('CHECKPOINT_INVALID', `${file}: ${message}`, { file, ...details });
}

/**
 * Loads a classifier saved by {@link MultiLabelClassifier.save}. Weights, labels, head shape, pooling, wide part,
 * n-gram ensemble (of either kind of features) and tokenizer come back exactly, so the loaded model computes
 * bit-identical logits. A directory saved before pooling was a choice (no `mangaassist_head.pooling`) loads with
 * [CLS] pooling, which is what it was trained with; one without `mangaassist_head.wide` loads without the wide part,
 * and an `ngram_ensemble` entry without `features` is a `wordpieces` ensemble.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming config.json and the field (problem_type, id2label, the
 *   head entry) or model.safetensors and the tensor (missing, wrong dtype or shape, the n-gram ensemble's tensors
 *   too); `NOT_FOUND` for a missing file
 *
 * @example
 * ```ts
 * const model = await loadClassifier('runs/train/best');
 * const probabilities = await model.predictProbabilities(['cancel my order, never again']);
 * ```
 */
export async function loadClassifier(dir: string, options: EncoderOptions = {}): Promise<MultiLabelClassifier> {
  assertTfjsBackend('loadClassifier');
  const configFile = join(dir, CONFIG_FILE);
  const { raw, family, config } = readModelConfig(dir);
  checkMultiLabel(raw, configFile);
  const labels = labelsFromConfig(raw, configFile);
  const savedHead = parseSavedHead(raw, configFile);
  const savedWide = savedHead.wide;
  const head: ClassifierHeadConfig = {
    hiddenDim: savedHead.hidden_dim,
    dropout: config.seq_classif_dropout,
    innerDropout: savedHead.inner_dropout,
    pooling: savedHead.pooling,
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
  const savedEnsemble = savedHead.ngram_ensemble;
  // The ensemble's tensors are read here, not by the checkpoint: they must not be reported as ignored.
  const ensembleNames = new Set<string>();
  let ngramEnsemble: NgramEnsembleWeights | undefined;
  if (savedEnsemble) {
    const arrays: Partial<Record<NgramEnsembleField, Float32Array | Int32Array>> = {};
    for (const s of ngramEnsembleTensorSpecs(config.vocab_size, labels.length, savedEnsemble.buckets, savedEnsemble.features)) {
      const tensor = tensors.get(s.name);
      // Float tables may be stored as F16/BF16 (read as Float32Array); codes and flags must be I32, as they are indices.
      const dtypeFits = s.dtype === 'int32' ? tensor?.dtype === 'I32' : tensor?.data instanceof Float32Array;
      if (!tensor || !dtypeFits || tensor.shape.join() !== s.shape.join()) {
        const found = tensor ? `${tensor.dtype} [${tensor.shape.join(', ')}]` : 'missing';
        const wanted = s.dtype === 'int32' ? 'int32 (I32)' : 'float';
        const where = `tensor "${s.name}" of the n-gram ensemble (${HEAD_CONFIG_KEY}.ngram_ensemble)`;
        throw invalid(file, `${where} is ${found}; it must be ${wanted} [${s.shape.join(', ')}]`, { tensor: s.name });
      }
      ensembleNames.add(s.name);
      arrays[s.field] = tensor.data as Float32Array | Int32Array;
    }
    const { weight, buckets } = savedEnsemble;
    ngramEnsemble =
      savedEnsemble.features === 'words'
        ? {
            features: 'words',
            weight,
            buckets,
            table: arrays.table as Float32Array,
            idf: arrays.idf as Float32Array,
            codes: arrays.codes as Int32Array,
            continuation: arrays.continuation as Int32Array,
            bias: arrays.bias as Float32Array,
          }
        : {
            features: 'wordpieces',
            weight,
            buckets,
            unigram: arrays.unigram as Float32Array,
            bigram: arrays.bigram as Float32Array,
            bias: arrays.bias as Float32Array,
          };
    // Shapes and dtypes are right by now; what is left (a code outside the buckets, say) is the file's fault too.
    const problem = ngramEnsembleWeightsProblem(ngramEnsemble, config.vocab_size, labels.length);
    if (problem) throw invalid(file, `${problem.message} (${HEAD_CONFIG_KEY}.ngram_ensemble)`, { tensor: problem.tensor });
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
      maxLength: savedHead.max_length,
      seed: (options.seed ?? 0) + 1,
      ...(ngramEnsemble ? { ngramEnsemble } : {}),
      report: { ...report, ignored: report.ignored.filter((name) => !headWeights.has(name) && !ensembleNames.has(name)) },
    });
  } catch (error) {
    encoder.dispose();
    throw error;
  }
}
