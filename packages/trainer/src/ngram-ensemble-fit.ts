import { join } from 'node:path';
import { ngramFeatureRow, NGRAM_ENSEMBLE_BIAS_TENSOR, NGRAM_ENSEMBLE_BIGRAM_TENSOR, NGRAM_ENSEMBLE_UNIGRAM_TENSOR, type NgramEnsembleSettings } from '@mangaassist/common';
import { toMultiHot, trainLogisticOvr, type Example } from '@mangaassist/data';
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
  /** Features of its tables: vocabulary plus bigram buckets. */
  readonly features: number;
  /** Seconds the fit and the write took. */
  readonly seconds: number;
}

/**
 * Fits the n-gram ensemble of a saved classifier and writes it into the same directory: one L2-regularised logistic
 * regression per label (`trainLogisticOvr` of `@mangaassist/data`, balanced class weights, as the TF-IDF baseline)
 * over the unigrams and hashed bigrams of the word pieces the model reads (`ngramFeatureRow`: the wide part's
 * features, truncated at the model's own token limit), then `model.safetensors` gains its three tables and
 * `config.json` its `mangaassist_head.ngram_ensemble` entry (a fit already there is replaced). Loading the directory
 * (`loadClassifier`) or exporting it then gives the mixed probabilities.
 *
 * Given several directories (the models one run saved: its kept model and each `epoch-<n>/`), the regression is
 * fitted once, on the first one's tokenizer, and the same tables go into each, so that every saved epoch is scored
 * as it would be served. They must read text alike: a directory whose vocabulary size, token limit or labels differ
 * from the first one's is refused before anything is written.
 *
 * Pass only messages whose labels are complete: an example of a source that does not annotate a label would teach
 * the regression that the label is absent.
 *
 * @throws RangeError when `examples` or `modelDirs` is empty, or when the directories do not read text alike
 *
 * @example
 * ```ts
 * const fit = fitNgramEnsemble('runs/train/last-model', trainExamples, { enabled: true, weight: 0.5, buckets: 2 ** 18, epochs: 30, l2: 1e-5 });
 * fitNgramEnsemble(['runs/train/last-model', 'runs/train/epoch-1', 'runs/train/epoch-2'], trainExamples, settings);
 * ```
 */
export function fitNgramEnsemble(modelDirs: string | readonly string[], examples: readonly Example[], settings: NgramEnsembleSettings): NgramEnsembleFit {
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
  const features = vocabSize + settings.buckets;
  const rows = examples.map((example) => {
    const ids = tokenizer.encode(example.text, { maxLength }).ids;
    return ngramFeatureRow(ids, new Array<number>(ids.length).fill(1), vocabSize, settings.buckets);
  });
  const model = trainLogisticOvr(rows, toMultiHot(examples, labels), features, { epochs: settings.epochs, l2: settings.l2 });
  const split = vocabSize * labels.length;
  const tables: [string, SafetensorsInput][] = [
    [NGRAM_ENSEMBLE_UNIGRAM_TENSOR, { shape: [vocabSize, labels.length], data: Float32Array.from(model.weights.subarray(0, split)) }],
    [NGRAM_ENSEMBLE_BIGRAM_TENSOR, { shape: [settings.buckets, labels.length], data: Float32Array.from(model.weights.subarray(split)) }],
    [NGRAM_ENSEMBLE_BIAS_TENSOR, { shape: [labels.length], data: Float32Array.from(model.bias) }],
  ];
  for (const { dir, raw } of targets) {
    const weightsFile = join(dir, WEIGHTS_FILE);
    const tensors = new Map<string, SafetensorsInput>();
    for (const [name, tensor] of readSafetensors(weightsFile).tensors) {
      const { data } = tensor;
      // A classifier directory holds float32 tensors (F16/BF16 read as float32); anything else was not written here.
      if (!(data instanceof Float32Array || data instanceof Int32Array || data instanceof BigInt64Array)) {
        throw new RangeError(`${weightsFile}: tensor "${name}" is ${tensor.dtype}; fitNgramEnsemble rewrites classifier directories of float32 tensors only`);
      }
      tensors.set(name, { shape: tensor.shape, data });
    }
    for (const [name, table] of tables) tensors.set(name, table);
    const head = { ...(raw[HEAD_CONFIG_KEY] as Record<string, unknown> | undefined), ngram_ensemble: { weight: settings.weight, buckets: settings.buckets } };
    writeModelDir(dir, tensors, { ...raw, [HEAD_CONFIG_KEY]: head });
  }
  return { examples: examples.length, features, seconds: (performance.now() - started) / 1000 };
}
