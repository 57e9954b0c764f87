import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MangaAssistError, recommendedBaseLr, trainingSources, type TrainJobConfig } from '@mangaassist/common';
import { createClassifier, emojiNameReplacements, emojiTokens } from '@mangaassist/core-model';
import { toMultiHot } from '@mangaassist/data';
import { atomicWriteFile } from './atomic-file';
import type { EncodedExample } from './batching';
import { hashDataFiles } from './data-files';
import type { TrainableClassifier } from './classifier';
import { ngramEnsembleExamples, readJobData, type JobExample } from './job-data';
import { savedModelDirs } from './model-folders';
import { lockRunDir } from './run-lock';
import { fitNgramEnsemble, type NgramEnsembleFit } from './ngram-ensemble-fit';
import { RUN_FILES, trainClassifier } from './train-loop';
import { createTrainPlugins, type TrainPlugins } from './train-plugins';
import type { TrainReporter, TrainSummary } from './train-records';

/** A classifier to fine-tune with the tokenizer that feeds it. */
export interface JobModel {
  readonly classifier: TrainableClassifier;
  /** Token ids of one text, `[CLS] … [SEP]`, truncated to the configured `model.maxLength`. */
  encode(text: string): ArrayLike<number>;
  readonly padId: number;
  /** Width of the encoder's hidden states: picks the learning rate when the configuration sets none. */
  readonly hiddenSize: number;
  /** Tokens in the vocabulary: a `words` n-gram ensemble needs at least this many buckets, checked before training. */
  readonly vocabSize?: number;
  /** What building the model changed that the log should say (the emoji put into the vocabulary). */
  readonly note?: string;
}

/** Options of {@link runTrainJob}. */
export interface TrainJobOptions {
  /** Continue the run in `training.outDir` from its checkpoint. */
  readonly resume?: boolean;
  /** Start over even when `training.outDir` already holds a run (its files are replaced). */
  readonly overwrite?: boolean;
  /**
   * With `resume`: when a training or validation file changed since the checkpoint, start a new run (saying so
   * through `log`) instead of refusing with `DATA_INVALID` naming the file.
   */
  readonly restartOnDataChange?: boolean;
  readonly reporter?: TrainReporter;
  /** Aborting checkpoints after the current step and ends the run as `interrupted`. */
  readonly signal?: AbortSignal;
  /** Builds the model from the config and the training texts; default {@link createDistilBertJobModel}. Tests pass a tiny model. */
  readonly createModel?: (config: TrainJobConfig, trainingTexts: readonly string[]) => Promise<JobModel>;
  /** Receives one line per preparation stage (data read, tokenised, model loaded). */
  readonly log?: (line: string) => void;
  /**
   * Where the config's `loss`, `schedule.unfreezing` and `schedule.lr` ids are looked up; default the built-ins
   * ({@link createTrainPlugins}). Pass the registries that {@link loadTrainJobConfig} registered the config's plugin
   * packages on.
   */
  readonly plugins?: TrainPlugins;
}

/** What {@link runTrainJob} returns: the run summary plus how long the whole job took. */
export interface TrainJobResult {
  readonly summary: TrainSummary;
  /** Wall time of the whole job in this process: data, tokenisation, model loading and training. */
  readonly wallSeconds: number;
  /** Rows of the training file(s) that lenient reading skipped. */
  readonly skippedRows: number;
  /** The n-gram ensemble fitted into every model the run saved (`model.head.ngramEnsemble.enabled`), when there is one. */
  readonly ngramEnsemble?: NgramEnsembleFit;
}

/**
 * Runs a training job from its configuration: reads and splits the data (a stratified hold-out when no validation
 * file is given), optionally limits it, builds the classifier, the loss and the two schedule plugins, writes
 * `config.json` to the run directory and trains (see {@link trainClassifier}). Validation scores the labels the
 * validation data covers and marks (for GoEmotions: frustration, satisfaction, confusion, neutral).
 *
 * The TensorFlow.js backend must already be selected (`selectTfjsBackend` from `@mangaassist/runtime-tfjs`).
 *
 * @throws MangaAssistError `INVALID_ARGUMENT` when the run directory already holds a run and neither `resume` nor
 *   `overwrite` is set; `PLUGIN_UNKNOWN`/`PLUGIN_OPTIONS_INVALID` for a bad schedule or loss selection (checked
 *   before any data or model is loaded)
 *
 * @example
 * ```ts
 * const plugins = createTrainPlugins();
 * const { config } = loadTrainJobConfig('configs/train.yaml', plugins); // registers its `plugins` packages
 * await selectTfjsBackend({ backend: config.training.backend as TfjsBackendRequest });
 * const { summary, wallSeconds } = await runTrainJob(config, { plugins });
 * console.log(summary.best?.macroF1, wallSeconds);
 * ```
 */
export async function runTrainJob(config: TrainJobConfig, options: TrainJobOptions = {}): Promise<TrainJobResult> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const runDir = config.training.outDir;
  checkRunDir(runDir, options);
  const { losses, unfreezingSchedules, lrSchedules } = options.plugins ?? createTrainPlugins();
  const unfreezing = unfreezingSchedules.create(config.schedule.unfreezing.id, config.schedule.unfreezing.options, undefined);
  const lrSchedule = lrSchedules.create(config.schedule.lr.id, config.schedule.lr.options, undefined);
  losses.parseOptions(config.loss.id, config.loss.options);

  const data = readJobData(config);
  const dataFiles = hashDataFiles(jobDataFiles(config));
  log(
    `data: ${data.train.length} training and ${data.validation.length} validation examples` +
      `${data.skippedRows > 0 ? ` (${data.skippedRows} bad rows skipped)` : ''}; evaluated labels: ${data.evalLabels.join(', ')}`,
  );
  const ensemble = config.model.head.ngramEnsemble;
  if (data.sources.length > 1 || data.train.some((e) => e.mask)) {
    for (const source of data.sources) {
      const ensembleNote = ensemble.enabled && !source.inNgramEnsemble ? ', not in the n-gram ensemble' : '';
      log(`  ${source.path}: ${source.examples} examples, annotates ${source.annotated.join(', ')}${source.weight === 1 ? '' : `, weight ${source.weight}`}${ensembleNote}`);
    }
  }
  // Checked before training, not after it: the ensemble is fitted once the last epoch is done.
  const ensembleExamples = ensemble.enabled ? ngramEnsembleExamples(data, config.model.labels) : [];
  if (ensemble.enabled && ensembleExamples.length === 0) {
    throw new MangaAssistError(
      'INVALID_ARGUMENT',
      'model.head.ngramEnsemble is enabled but no data.train file can fit it: each is marked inNgramEnsemble: false or does not annotate every label ' +
        `(${config.model.labels.join(', ')})`,
      { field: 'model.head.ngramEnsemble' },
    );
  }
  const model = await (options.createModel ?? createDistilBertJobModel)(config, data.train.map((e) => e.example.text));
  if (model.note) log(model.note);
  if (ensemble.enabled && ensemble.features === 'words' && model.vocabSize !== undefined && ensemble.buckets < model.vocabSize) {
    model.classifier.dispose();
    throw new MangaAssistError(
      'INVALID_ARGUMENT',
      `model.head.ngramEnsemble.buckets is ${ensemble.buckets}; features "words" needs at least the vocabulary's ${model.vocabSize} (one code per word piece)`,
      { field: 'model.head.ngramEnsemble.buckets' },
    );
  }
  const job = withBaseLr(config, model.hiddenSize, log);
  const loss = losses.create(config.loss.id, config.loss.options, { labels: config.model.labels });
  try {
    const tokenizeStart = performance.now();
    const encode = (examples: readonly Pick<JobExample, 'example' | 'mask'>[]): EncodedExample[] => {
      const targets = toMultiHot(
        examples.map((e) => e.example),
        config.model.labels,
      );
      return examples.map(({ example, mask }, i) => ({
        inputIds: Int32Array.from(model.encode(example.text)),
        targets: targets[i]!,
        ...(mask ? { mask } : {}),
      }));
    };
    const train = encode(data.train);
    const validation = encode(data.validation.map((example) => ({ example })));
    log(`tokenised in ${((performance.now() - tokenizeStart) / 1000).toFixed(1)} s`);
    mkdirSync(runDir, { recursive: true });
    // Taken before config.json is written, so that a second process cannot replace the first one's; the loop takes
    // it again (nested) for callers that use it directly.
    const release = lockRunDir(runDir, { log });
    try {
      if (!options.resume) atomicWriteFile(join(runDir, 'config.json'), `${JSON.stringify(job, null, 2)}\n`);
      const summary = await trainClassifier({
        classifier: model.classifier,
        loss,
        train,
        validation,
        evalLabels: data.evalLabels,
        unfreezing,
        lrSchedule,
        optimizer: job.optimizer,
        epochs: config.schedule.epochs,
        batchSize: config.training.batchSize,
        evalBatchSize: config.training.evalBatchSize,
        seed: config.training.seed,
        maxSteps: config.training.maxSteps,
        earlyStoppingPatience: config.training.earlyStoppingPatience,
        checkpointEverySteps: config.training.checkpointEverySteps,
        logEverySteps: config.training.logEverySteps,
        keepEpochModels: config.training.keepEpochModels,
        modelSelection: config.training.modelSelection,
        padId: model.padId,
        runDir,
        resume: options.resume ?? false,
        fingerprint: configFingerprint(job),
        dataFiles,
        restartOnDataChange: options.restartOnDataChange ?? false,
        log,
        reporter: options.reporter,
        signal: options.signal,
      });
      let ngramEnsemble: NgramEnsembleFit | undefined;
      if (ensemble.enabled && summary.modelDir) {
        // Every model the run saved gets the same fit, so that an epoch-<n>/ chosen on other data is scored (and
        // calibrated) as it would be served, not as the network alone.
        const dirs = savedModelDirs(summary);
        ngramEnsemble = fitNgramEnsemble(dirs, ensembleExamples, ensemble, data.validation);
        const chosen = ngramEnsemble.validationMacroF1
          ? `, C ${ngramEnsemble.c} chosen on validation (macro-F1 ${ngramEnsemble.validationMacroF1.map((s) => `${s.c}: ${s.macroF1.toFixed(3)}`).join(', ')})`
          : ngramEnsemble.c !== undefined
            ? `, C ${ngramEnsemble.c}`
            : '';
        log(
          `n-gram ensemble: fitted on ${ngramEnsemble.examples} training messages (${ensemble.features}, ${ngramEnsemble.features} features${chosen}) in ` +
            `${ngramEnsemble.seconds.toFixed(1)} s, weight ${ensemble.weight}, into ${dirs.join(', ')}`,
        );
      }
      return { summary, wallSeconds: (performance.now() - started) / 1000, skippedRows: data.skippedRows, ...(ngramEnsemble ? { ngramEnsemble } : {}) };
    } finally {
      release();
    }
  } finally {
    model.classifier.dispose();
    loss.dispose();
  }
}

/**
 * The job with `optimizer.baseLr` filled in: the configured rate, or {@link recommendedBaseLr} of the encoder's
 * hidden size (said through `log`). The filled-in job is what `config.json` records and the checkpoint fingerprints,
 * so a resumed run trains at the same rate.
 *
 * @example
 * ```ts
 * withBaseLr(config, 256, console.log).optimizer.baseLr; // 3e-4 when the configuration sets no rate
 * ```
 */
export function withBaseLr(config: TrainJobConfig, hiddenSize: number, log: (line: string) => void): TrainJobConfig & { optimizer: { baseLr: number } } {
  const baseLr = config.optimizer.baseLr ?? recommendedBaseLr(hiddenSize);
  if (config.optimizer.baseLr === undefined) log(`optimizer.baseLr not set: ${baseLr} for an encoder of hidden size ${hiddenSize}`);
  return { ...config, optimizer: { ...config.optimizer, baseLr } };
}

/**
 * The data files a training job reads: every training file and the validation file, as the configuration names
 * them. Their contents' digests go into the checkpoint (see `hashDataFiles`).
 *
 * @example
 * ```ts
 * jobDataFiles(config); // ['data/train.jsonl', 'data/dev.jsonl']
 * ```
 */
export function jobDataFiles(config: TrainJobConfig): string[] {
  const paths = trainingSources(config.data).map((source) => source.path);
  if (config.data.validation) paths.push(config.data.validation.path);
  return [...new Set(paths)];
}

/**
 * The DistilBERT classifier of `@mangaassist/core-model` on `model.pretrained`, initialised from `training.seed`; with
 * `model.emojiTokens`, the emoji of `trainingTexts` first, then others, in the vocabulary's reserved slots; with
 * `model.emojiNames`, each emoji rewritten as its Unicode name by the tokenizer's normaliser.
 *
 * @example
 * ```ts
 * const { classifier, encode } = await createDistilBertJobModel(config, ['where is my order 😡']);
 * ```
 */
export async function createDistilBertJobModel(config: TrainJobConfig, trainingTexts: readonly string[] = []): Promise<JobModel> {
  const { pretrained, labels, head, maxLength, cacheDir } = config.model;
  // The n-gram ensemble is fitted after training (runTrainJob), not built with the network.
  const { ngramEnsemble: _fittedAfterTraining, ...networkHead } = head;
  if (config.model.emojiTokens === true && config.model.emojiNames === true) {
    throw new MangaAssistError(
      'CONFIG_INVALID',
      'model.emojiTokens and model.emojiNames are both true: choose one (the names replace the emoji before the vocabulary would read them)',
      { field: 'model.emojiNames' },
    );
  }
  const newTokens = config.model.emojiTokens === true ? emojiTokens(trainingTexts) : [];
  const textReplacements = config.model.emojiNames === true ? emojiNameReplacements() : [];
  const classifier = await createClassifier(pretrained, {
    labels,
    head: networkHead,
    maxLength,
    seed: config.training.seed,
    newTokens,
    textReplacements,
    ...(cacheDir ? { cacheDir } : {}),
  });
  // Assigning to the trainer's interface is the compile-time proof that the real classifier satisfies it.
  const trainable: TrainableClassifier = classifier;
  const added = classifier.report?.newTokens;
  const renamed = classifier.report?.textReplacements;
  return {
    classifier: trainable,
    encode: (text) => classifier.tokenizer.encode(text, { maxLength }).ids,
    padId: classifier.tokenizer.padId,
    hiddenSize: classifier.encoder.config.dim,
    vocabSize: classifier.encoder.config.vocab_size,
    ...(added ? { note: `emoji: ${added.placed + added.present} of ${newTokens.length} emoji tokens in the vocabulary (the training messages' first; the rest read as [UNK])` } : {}),
    ...(renamed ? { note: `emoji: read as their names (${renamed.added + renamed.present} replacements in the tokenizer's normaliser)` } : {}),
  };
}

/**
 * A stable hash of the settings that shape a run (everything but the backend, which may change between a run and
 * its resumption). A checkpoint records it, and resuming under another configuration is refused.
 *
 * @example
 * ```ts
 * configFingerprint(config); // 'sha256:3f…'
 * ```
 */
export function configFingerprint(config: { readonly training: { readonly backend?: string } }): string {
  const { backend: _backend, ...training } = config.training;
  return `sha256:${createHash('sha256').update(canonicalJson({ ...config, training })).digest('hex')}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Refuses to start a run in a directory that already holds one unless `resume` (which needs its checkpoint) or
 * `overwrite` is set; the two exclude each other.
 *
 * @throws MangaAssistError `INVALID_ARGUMENT` or `NOT_FOUND` saying which flag to use
 *
 * @example
 * ```ts
 * checkRunDir('runs/train', { resume: false, overwrite: false });
 * ```
 */
export function checkRunDir(runDir: string, options: { readonly resume?: boolean; readonly overwrite?: boolean }): void {
  if (options.resume && options.overwrite) throw new MangaAssistError('INVALID_ARGUMENT', 'resume and overwrite exclude each other');
  if (options.resume && !existsSync(join(runDir, RUN_FILES.checkpoint))) {
    throw new MangaAssistError('NOT_FOUND', `cannot resume: ${join(runDir, RUN_FILES.checkpoint)} does not exist (start without --resume)`, {
      file: join(runDir, RUN_FILES.checkpoint),
    });
  }
  if (options.resume || options.overwrite) return;
  const existing = [RUN_FILES.checkpoint, RUN_FILES.metrics].filter((name) => existsSync(join(runDir, name)));
  if (existing.length > 0) {
    throw new MangaAssistError(
      'INVALID_ARGUMENT',
      `run directory ${runDir} already holds a run (${existing.join(', ')}); resume it (--resume), start over (--overwrite) or set training.outDir to another folder`,
      { runDir },
    );
  }
}
