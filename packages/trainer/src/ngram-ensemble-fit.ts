import { join } from 'node:path';
import {
  continuationFlags,
  NGRAM_ENSEMBLE_BIAS_TENSOR,
  NGRAM_ENSEMBLE_BIGRAM_TENSOR,
  NGRAM_ENSEMBLE_C_GRID,
  NGRAM_ENSEMBLE_CONTINUATION_TENSOR,
  NGRAM_ENSEMBLE_PIECE_CODES_TENSOR,
  NGRAM_ENSEMBLE_UNIGRAM_TENSOR,
  NGRAM_ENSEMBLE_WORD_IDF_TENSOR,
  NGRAM_ENSEMBLE_WORD_TENSOR,
  ngramFeatureRow,
  wordIdf,
  wordNgramFeatures,
  wordPieceCodes,
  wordTfidfRow,
  type NgramEnsembleSettings,
} from '@mangaassist/common';
import { baselineLabelSet, labelSetMetrics, toMultiHot, trainLogisticOvr, type Example, type LogisticOvrModel, type SparseRow } from '@mangaassist/data';
import {
  HEAD_CONFIG_KEY,
  headMaxLength,
  readClassifierConfig,
  readSafetensors,
  WEIGHTS_FILE,
  WordPieceTokenizer,
  writeModelDir,
  type SafetensorsInput,
} from '@mangaassist/model-format';

/** What {@link fitNgramEnsemble} fitted and wrote. */
export interface NgramEnsembleFit {
  /** Training messages the logistic regression saw. */
  readonly examples: number;
  /** Features of its tables: `wordpieces`, vocabulary plus bigram buckets; `words`, the word n-grams kept (idf > 0). */
  readonly features: number;
  /** Seconds the fit and the write took. */
  readonly seconds: number;
  /**
   * `words`: the inverse penalty C the regression was fitted with, and, when it was chosen on validation messages,
   * the n-gram model's macro-F1 there at each C of `NGRAM_ENSEMBLE_C_GRID`.
   */
  readonly c?: number;
  readonly validationMacroF1?: readonly { readonly c: number; readonly macroF1: number }[];
}

/** The seed of the word pieces' codes (`wordPieceCodes`): fixed, since the codes are saved with the tables. */
const PIECE_CODES_SEED = 0;

/** Features in fewer training messages than this are dropped from a `words` fit, as scikit-learn's `min_df=2`. */
const WORDS_MIN_DF = 2;

/** C of a `words` fit that is given no C and no validation message to choose one: the grid's usual choice. */
const WORDS_FALLBACK_C = 64;

/**
 * Fits the n-gram ensemble of a saved classifier and writes it into the same directory: one L2-regularised logistic
 * regression per label (`trainLogisticOvr` of `@mangaassist/data`, balanced class weights, as the TF-IDF baseline)
 * over what `settings.features` names, read from the pieces the model reads (truncated at its own token limit):
 * - `wordpieces`: the unigrams and hashed bigrams of the word pieces (`ngramFeatureRow`, the wide part's features),
 *   by SGD for `settings.epochs` passes;
 * - `words`: TF-IDF over hashed word unigrams and bigrams (`wordNgramFeatures`, `wordTfidfRow`), fitted to
 *   convergence by L-BFGS at `settings.c`, or, unset, at the C of `NGRAM_ENSEMBLE_C_GRID` whose n-gram model scores
 *   the highest macro-F1 on `validation`.
 *
 * Then `model.safetensors` gains its tables and `config.json` its `mangaassist_head.ngram_ensemble` entry (a fit
 * already there, of either kind, is replaced). Loading the directory (`loadClassifier`) or exporting it then gives
 * the mixed probabilities.
 *
 * Given several directories (the models one run saved: its kept model and each `epoch-<n>/`), the regression is
 * fitted once, on the first one's tokenizer, and the same tables go into each, so that every saved epoch is scored
 * as it would be served. They must read text alike: a directory whose vocabulary size, token limit or labels differ
 * from the first one's is refused before anything is written.
 *
 * Pass only messages whose labels are complete: an example of a source that does not annotate a label would teach
 * the regression that the label is absent.
 *
 * @throws RangeError when `examples` or `modelDirs` is empty, when the directories do not read text alike, or when a
 *   `words` fit has fewer buckets than the vocabulary has pieces
 *
 * @example
 * ```ts
 * const fit = fitNgramEnsemble('runs/train/last-model', trainExamples, { enabled: true, weight: 0.5, buckets: 2 ** 18, epochs: 30, l2: 1e-5 });
 * fitNgramEnsemble(['runs/train/last-model', 'runs/train/epoch-1', 'runs/train/epoch-2'], trainExamples, settings);
 * ```
 */
export function fitNgramEnsemble(
  modelDirs: string | readonly string[],
  examples: readonly Example[],
  settings: NgramEnsembleSettings,
  validation: readonly Example[] = [],
): NgramEnsembleFit {
  const started = performance.now();
  const dirs = typeof modelDirs === 'string' ? [modelDirs] : [...modelDirs];
  const first = dirs[0];
  if (first === undefined) throw new RangeError('fitNgramEnsemble: no model directory to write the n-gram ensemble into');
  if (examples.length === 0) throw new RangeError(`fitNgramEnsemble: no training message to fit the n-gram ensemble of ${dirs.join(', ')} on`);
  const targets = dirs.map((dir) => {
    const { raw, config, labels } = readClassifierConfig(dir);
    return { dir, raw, labels, vocabSize: config.vocab_size, maxLength: headMaxLength(raw, config.max_position_embeddings) ?? config.max_position_embeddings };
  });
  const reference = targets[0]!;
  for (const target of targets.slice(1)) {
    if (target.vocabSize !== reference.vocabSize || target.maxLength !== reference.maxLength || target.labels.join() !== reference.labels.join()) {
      throw new RangeError(
        `fitNgramEnsemble: ${target.dir} reads text unlike ${first} (vocabulary ${target.vocabSize} vs ${reference.vocabSize}, ` +
          `token limit ${target.maxLength} vs ${reference.maxLength}, labels ${target.labels.join(', ')} vs ${reference.labels.join(', ')}); ` +
          'one fit serves only the models of one run',
      );
    }
  }
  const { vocabSize, maxLength, labels } = reference;
  const tokenizer = WordPieceTokenizer.fromDirectory(first);
  const fit = settings.features === 'words' ? fitWords(tokenizer, vocabSize, maxLength, labels, examples, validation, settings) : fitWordPieces(tokenizer, vocabSize, maxLength, labels, examples, settings);
  for (const { dir, raw } of targets) {
    const weightsFile = join(dir, WEIGHTS_FILE);
    const tensors = new Map<string, SafetensorsInput>();
    for (const [name, tensor] of readSafetensors(weightsFile).tensors) {
      // A fit already there is replaced whole: tables of the other kind of features must not stay behind.
      if (name.startsWith(NGRAM_ENSEMBLE_TENSOR_PREFIX)) continue;
      const { data } = tensor;
      // A classifier directory holds float32 tensors (F16/BF16 read as float32); anything else was not written here.
      if (!(data instanceof Float32Array || data instanceof Int32Array || data instanceof BigInt64Array)) {
        throw new RangeError(`${weightsFile}: tensor "${name}" is ${tensor.dtype}; fitNgramEnsemble rewrites classifier directories of float32 tensors only`);
      }
      tensors.set(name, { shape: tensor.shape, data });
    }
    for (const [name, table] of fit.tables) tensors.set(name, table);
    const head = {
      ...(raw[HEAD_CONFIG_KEY] as Record<string, unknown> | undefined),
      ngram_ensemble: { weight: settings.weight, buckets: settings.buckets, features: settings.features },
    };
    writeModelDir(dir, tensors, { ...raw, [HEAD_CONFIG_KEY]: head });
  }
  const { tables: _written, ...summary } = fit;
  return { examples: examples.length, ...summary, seconds: (performance.now() - started) / 1000 };
}

/** Every tensor of an n-gram ensemble is named `ngram_ensemble.…`. */
const NGRAM_ENSEMBLE_TENSOR_PREFIX = NGRAM_ENSEMBLE_BIAS_TENSOR.slice(0, NGRAM_ENSEMBLE_BIAS_TENSOR.indexOf('.') + 1);

interface FittedTables extends Omit<NgramEnsembleFit, 'examples' | 'seconds'> {
  readonly tables: [string, SafetensorsInput][];
}

/** The `wordpieces` fit: SGD over the wide part's features, tables split at the vocabulary size. */
function fitWordPieces(
  tokenizer: WordPieceTokenizer,
  vocabSize: number,
  maxLength: number,
  labels: readonly string[],
  examples: readonly Example[],
  settings: NgramEnsembleSettings,
): FittedTables {
  const features = vocabSize + settings.buckets;
  const rows = examples.map((example) => {
    const ids = tokenizer.encode(example.text, { maxLength }).ids;
    return ngramFeatureRow(ids, new Array<number>(ids.length).fill(1), vocabSize, settings.buckets);
  });
  const model = trainLogisticOvr(rows, toMultiHot(examples, labels), features, { epochs: settings.epochs, l2: settings.l2 });
  const split = vocabSize * labels.length;
  return {
    features,
    tables: [
      [NGRAM_ENSEMBLE_UNIGRAM_TENSOR, { shape: [vocabSize, labels.length], data: Float32Array.from(model.weights.subarray(0, split)) }],
      [NGRAM_ENSEMBLE_BIGRAM_TENSOR, { shape: [settings.buckets, labels.length], data: Float32Array.from(model.weights.subarray(split)) }],
      [NGRAM_ENSEMBLE_BIAS_TENSOR, { shape: [labels.length], data: Float32Array.from(model.bias) }],
    ],
  };
}

/**
 * The `words` fit: TF-IDF over the word n-grams of the pieces the model reads (truncated at its token limit, as
 * served), L-BFGS to convergence at the given C or the C of `NGRAM_ENSEMBLE_C_GRID` whose n-gram model scores the
 * highest macro-F1 on the validation messages (the baseline's decision rule, over the labels they hold).
 */
function fitWords(
  tokenizer: WordPieceTokenizer,
  vocabSize: number,
  maxLength: number,
  labels: readonly string[],
  examples: readonly Example[],
  validation: readonly Example[],
  settings: NgramEnsembleSettings,
): FittedTables {
  const { buckets } = settings;
  if (buckets < vocabSize) {
    throw new RangeError(`model.head.ngramEnsemble.buckets (${buckets}) must be at least the vocabulary size (${vocabSize}) for features "words": every word piece needs its own code`);
  }
  const tables = { continuation: continuationFlags(tokenizer.vocabulary()), codes: wordPieceCodes(vocabSize, buckets, PIECE_CODES_SEED), buckets };
  const featuresOf = (text: string) => {
    const ids = tokenizer.encode(text, { maxLength }).ids;
    return wordNgramFeatures(ids, new Array<number>(ids.length).fill(1), tables);
  };
  const trainFeatures = examples.map((example) => featuresOf(example.text));
  const idf = wordIdf(trainFeatures, buckets, WORDS_MIN_DF);
  const rows: SparseRow[] = trainFeatures.map((features) => wordTfidfRow(features, idf));
  const targets = toMultiHot(examples, labels);
  const fitAt = (c: number): LogisticOvrModel => trainLogisticOvr(rows, targets, 2 * buckets, { solver: 'lbfgs', l2: 1 / (rows.length * c) });

  let c = settings.c ?? WORDS_FALLBACK_C;
  let model: LogisticOvrModel | undefined;
  const scores: { c: number; macroF1: number }[] = [];
  if (settings.c === undefined && validation.length > 0) {
    const validationRows = validation.map((example) => wordTfidfRow(featuresOf(example.text), idf));
    const truth = validation.map((example) => example.labels);
    const held = labels.filter((label) => truth.some((set) => set.includes(label)));
    for (const candidate of NGRAM_ENSEMBLE_C_GRID) {
      const fitted = fitAt(candidate);
      const predicted = fitted.predictProba(validationRows).map((p) => baselineLabelSet(labels, p));
      const { macroF1 } = labelSetMetrics(truth, predicted, held);
      scores.push({ c: candidate, macroF1 });
      // Strictly higher: on a tie the stronger penalty is kept.
      if (!model || macroF1 > Math.max(...scores.slice(0, -1).map((s) => s.macroF1))) {
        model = fitted;
        c = candidate;
      }
    }
  }
  model ??= fitAt(c);
  const used = idf.reduce((count, value) => count + (value > 0 ? 1 : 0), 0);
  return {
    features: used,
    c,
    ...(scores.length > 0 ? { validationMacroF1: scores } : {}),
    tables: [
      [NGRAM_ENSEMBLE_WORD_TENSOR, { shape: [2 * buckets, labels.length], data: Float32Array.from(model.weights) }],
      [NGRAM_ENSEMBLE_WORD_IDF_TENSOR, { shape: [2 * buckets], data: idf }],
      [NGRAM_ENSEMBLE_PIECE_CODES_TENSOR, { shape: [vocabSize], data: tables.codes }],
      [NGRAM_ENSEMBLE_CONTINUATION_TENSOR, { shape: [vocabSize], data: tables.continuation }],
      [NGRAM_ENSEMBLE_BIAS_TENSOR, { shape: [labels.length], data: Float32Array.from(model.bias) }],
    ],
  };
}
