import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MangaAssistError, type TrainJobConfig } from '@mangaassist/common';
import { HANDWRITTEN_EVALUATION_SLICES, HANDWRITTEN_TRAINING_SLICES, generateCorpus, readDataset, stratifiedSplit, writeJsonl } from '@mangaassist/data';
import { exportClassifier } from '@mangaassist/export';
import type { TfjsBackendRequest } from '@mangaassist/runtime-tfjs';
import { createThresholdPlugins, type ThresholdPlugins } from '@mangaassist/thresholds';
import { createConsoleReporter, createTrainPlugins, keptModelFolder, RUN_FILES, runTrainJob, type ReporterStream, type TrainPlugins } from '@mangaassist/trainer';
import { calibrateModel, formatCalibrateReport } from '../calibrate-model';
import { formatHandwrittenScores, scoreHandwrittenSlices, type HandwrittenScore } from '../handwritten-scores';
import { megabytes } from '../megabytes';
import { selectBackendWithNativeKernels } from '../tfjs-backend';
import {
  type RecordedModelChoices,
  QUICKSTART_MODEL_ID,
  QUICKSTART_SIZES,
  QUICKSTART_THRESHOLDS,
  quickstartEncoder,
  quickstartPaths,
  quickstartTrainConfig,
  quickstartTrainingSources,
  sameEmojiReading,
  sameModelSelection,
  sameNgramEnsemble,
  sameTrainingData,
  type QuickstartPaths,
  type QuickstartSizes,
} from './quickstart-plan';
import { classifyThroughServer, QUICKSTART_MESSAGES, startQuickstartServer, type QuickstartClassification } from './quickstart-server';

/** Options of {@link runQuickstart}, typed: the command line checks and converts its flags before calling it. */
export interface QuickstartOptions {
  /** The run directory every stage writes under (the CLI's default: `runs/quickstart`). */
  readonly out: string;
  /** Start over: delete `out` first instead of reusing what an earlier run left there. */
  readonly fresh?: boolean;
  /** Generated messages, split 80/20 into training and validation (a positive integer). */
  readonly examples: number;
  /** Training epochs (a positive integer). */
  readonly epochs: number;
  /** TensorFlow.js backend to train and predict on (the native CPU kernels are registered on `cpu`). */
  readonly backend: TfjsBackendRequest;
}

/** The plugin families the quickstart looks its loss, schedules, threshold strategy and store up in. */
export type QuickstartPlugins = TrainPlugins & ThresholdPlugins;

/**
 * Where the quickstart reports progress as it goes: stage headings, what each stage reused or wrote, the training
 * progress (a redrawn bar on a TTY) and the calibration and hand-written reports. `process.stderr` for a terminal.
 */
export type QuickstartProgress = ReporterStream;

/** How long one stage of the quickstart took. */
export interface QuickstartStageTiming {
  /** 1-based, in the order the stages run. */
  readonly stage: number;
  readonly title: string;
  readonly seconds: number;
}

/** What {@link runQuickstart} produced, for the caller to print. */
export interface QuickstartResult {
  /** Where each stage wrote (the model in `paths.model`, the hand-written scores in `paths.handwrittenScores`). */
  readonly paths: QuickstartPaths;
  /** The example messages ({@link QUICKSTART_MESSAGES}) as the started server classified them. */
  readonly classifications: QuickstartClassification[];
  /** The model's and the TF-IDF baseline's scores on the hand-written evaluation slice (also written to a file). */
  readonly handwritten: HandwrittenScore[];
  /** Per stage, in order. */
  readonly stages: readonly QuickstartStageTiming[];
  /** Wall time of the whole run, from the first stage to the server's stop. */
  readonly seconds: number;
}

/** Stages of the quickstart, as the headings number them (`[3/7] …`). */
export const QUICKSTART_STAGES = 7;

/**
 * The whole product on one machine, end to end: generate the MangaAssist corpus, fine-tune the encoder with the
 * wide-and-deep head (the recipe chosen on hand-written messages) on the generated split and the bundled hand-written
 * training slices, calibrate thresholds into the SQLite store, score the model and the TF-IDF baseline (trained on the
 * same files) on the hand-written evaluation slice, export ONNX, start the server and classify example messages. Each
 * stage reuses what an earlier run left in `options.out` unless `options.fresh`: the corpus when both split files
 * exist, the model unless it was trained on other files, and an interrupted training run from its checkpoint.
 *
 * Progress goes to `progress` as the stages run; the classifications, the hand-written scores and the timings come
 * back for the caller to print. The loss, schedules, strategy and store are looked up in `plugins` (default: the
 * built-ins).
 *
 * @throws MangaAssistError `NOT_FOUND` when training leaves no best model, or the server's launcher is not on PATH
 *
 * @example
 * ```ts
 * const result = await runQuickstart({ out: 'runs/quickstart', examples: 5000, epochs: 4, backend: 'auto' }, process.stderr);
 * process.stdout.write(`${formatClassifications(result.classifications)}\n`);
 * ```
 */
export async function runQuickstart(
  options: QuickstartOptions,
  progress: QuickstartProgress,
  plugins: QuickstartPlugins = { ...createTrainPlugins(), ...createThresholdPlugins() },
): Promise<QuickstartResult> {
  const started = performance.now();
  const sizes: QuickstartSizes = { ...QUICKSTART_SIZES, examples: options.examples, epochs: options.epochs };
  const paths = quickstartPaths(options.out);
  if (options.fresh) rmSync(paths.root, { recursive: true, force: true });
  mkdirSync(paths.root, { recursive: true });
  const encoder = quickstartEncoder();
  progress.write(`MangaAssist quickstart → ${paths.root}\n${encoder.note}\n`);

  const stages: QuickstartStageTiming[] = [];
  let current: { stage: number; title: string; started: number } | undefined;
  const endStage = (): void => {
    if (current) stages.push({ stage: current.stage, title: current.title, seconds: (performance.now() - current.started) / 1000 });
    current = undefined;
  };
  const stage = (n: number, title: string): void => {
    endStage();
    current = { stage: n, title, started: performance.now() };
    progress.write(`\n[${n}/${QUICKSTART_STAGES}] ${title}\n`);
  };

  stage(1, `corpus: ${sizes.examples} generated MangaAssist messages`);
  generateData(paths, sizes.examples, progress);

  stage(2, `fine-tuning on the generated split and the hand-written ${HANDWRITTEN_TRAINING_SLICES.join(', ')} slices: ` +
    `full fine-tune with the wide-and-deep head, BCE, slanted-triangular LR over ${sizes.epochs} epochs, then the n-gram ensemble on the same files`);
  const selection = await selectBackendWithNativeKernels(options.backend);
  progress.write(`${selection.message}\n`);
  await train(paths, sizes, encoder.pretrained, plugins, progress);

  const { labels: tuned, minRecall, otherThreshold } = QUICKSTART_THRESHOLDS.options;
  stage(3, `calibration: the highest ${tuned.join(', ')} threshold that keeps recall ≥ ${minRecall} on the validation split, the others at ${otherThreshold}, into the SQLite store`);
  const calibration = await calibrateModel({
    model: paths.model,
    data: paths.validation,
    strategy: QUICKSTART_THRESHOLDS.strategy,
    strategyOptions: QUICKSTART_THRESHOLDS.options,
    store: { id: 'sqlite', options: { path: paths.thresholdsDb }, modelId: QUICKSTART_MODEL_ID, author: 'quickstart' },
    batchSize: 32,
    backend: selection.name,
  }, plugins);
  progress.write(formatCalibrateReport(calibration));

  stage(4, `messages written by people: the model and the TF-IDF baseline (trained on the same files, and on the hand-written ones alone) on the hand-written ${new Intl.ListFormat('en').format(HANDWRITTEN_EVALUATION_SLICES)} slices`);
  // The baseline reads every training file once, unweighted: the same messages the model learnt from. A second one
  // reads the hand-written files alone: the generated split lowers the baseline on people's messages.
  const sources = quickstartTrainingSources(paths).map((source) => ({
    path: source.path,
    examples: readDataset(source.path, { format: 'jsonl' }).dataset.examples,
  }));
  const trainExamples = sources.flatMap((source) => source.examples);
  const handwrittenExamples = sources.filter((source) => source.path !== paths.train).flatMap((source) => source.examples);
  // The baseline is also decided like the model (thresholds by the same strategy on the same validation split), so the
  // comparison shows what the model adds apart from what the threshold rule costs both.
  const validationExamples = readDataset(paths.validation, { format: 'jsonl' }).dataset.examples;
  const handwritten = await scoreHandwrittenSlices(paths.model, trainExamples, selection.name, HANDWRITTEN_EVALUATION_SLICES, {
    validation: validationExamples,
    strategy: QUICKSTART_THRESHOLDS.strategy,
    strategyOptions: QUICKSTART_THRESHOLDS.options,
    plugins,
  }, handwrittenExamples);
  progress.write(formatHandwrittenScores(handwritten));
  writeFileSync(paths.handwrittenScores, `${JSON.stringify(handwritten, null, 2)}\n`);

  stage(5, 'export: ONNX graphs (fp32 and int8) for ONNX Runtime');
  // The id recorded in config.json is the one calibrate stored the thresholds under, so a server started on this
  // directory without serving.modelId finds them.
  const exported = exportClassifier({ modelDir: paths.model, outDir: paths.model, quantize: 'int8', modelId: QUICKSTART_MODEL_ID });
  progress.write(`  ${exported.model.file} (${megabytes(exported.model.bytes)})` +
    (exported.quantized ? `, ${exported.quantized.file} (${megabytes(exported.quantized.bytes)})` : '') + '\n');

  stage(6, 'serving: starting the HTTP service on the exported model');
  const server = await startQuickstartServer(paths);
  let classifications: QuickstartClassification[];
  try {
    progress.write(`  listening on ${server.url} (dashboard: ${server.url}/dashboard, admin token in ${paths.serverConfig})\n`);
    stage(7, 'classifying example messages');
    classifications = await classifyThroughServer(server.url, QUICKSTART_MESSAGES);
  } finally {
    await server.stop();
  }
  endStage();
  return { paths, classifications, handwritten, stages, seconds: (performance.now() - started) / 1000 };
}

function generateData(paths: QuickstartPaths, examples: number, progress: QuickstartProgress): void {
  if (existsSync(paths.train) && existsSync(paths.validation)) {
    progress.write(`  reusing ${paths.train} and ${paths.validation}\n`);
    return;
  }
  const corpus = generateCorpus({ n: examples, seed: 7 });
  const { train, val } = stratifiedSplit(corpus.examples, { valFraction: 0.2, seed: 7 });
  writeJsonl(paths.validation, val);
  writeJsonl(paths.train, train);
  progress.write(`  ${train.length} training and ${val.length} validation messages\n`);
}

async function train(
  paths: QuickstartPaths,
  sizes: QuickstartSizes,
  pretrained: string,
  plugins: QuickstartPlugins,
  progress: QuickstartProgress,
): Promise<void> {
  const config = quickstartTrainConfig(paths, sizes, pretrained);
  if (trainedDifferently(paths, config)) {
    // An earlier quickstart trained on other files (before the hand-written slices became training data, say) or
    // kept another epoch: neither its model nor its checkpoint may stand for this one.
    progress.write(`  the model in ${paths.root} was trained on other data or kept another epoch; training again\n`);
    rmSync(paths.model, { recursive: true, force: true });
    rmSync(paths.trainRun, { recursive: true, force: true });
  }
  if (existsSync(join(paths.model, 'model.safetensors'))) {
    progress.write(`  reusing the fine-tuned model in ${paths.model}\n`);
    return;
  }
  // A run interrupted earlier continues from its checkpoint.
  const resume = existsSync(join(paths.trainRun, RUN_FILES.checkpoint));
  const { summary } = await runTrainJob(config, {
    plugins,
    resume,
    overwrite: !resume,
    reporter: createConsoleReporter(progress),
    log: (line) => progress.write(`  ${line}\n`),
  });
  if (!summary.modelDir) {
    const folder = join(paths.trainRun, keptModelFolder(summary.modelSelection));
    throw new MangaAssistError('NOT_FOUND', `training finished without a kept model (no ${folder}; modelSelection ${summary.modelSelection})`);
  }
  cpSync(summary.modelDir, paths.model, { recursive: true });
}

/**
 * Whether an earlier run left a model or a checkpoint trained on other files than `config` reads, kept the model of
 * another epoch (an earlier quickstart kept the best one by validation), fitted no n-gram ensemble (or another one)
 * or read emoji otherwise:
 * the training job recorded in the run directory says which; a model with no record counts as trained differently.
 */
function trainedDifferently(paths: QuickstartPaths, config: TrainJobConfig): boolean {
  const recordedFile = join(paths.trainRun, 'config.json');
  if (!existsSync(recordedFile)) return existsSync(join(paths.model, 'model.safetensors'));
  const recorded = JSON.parse(readFileSync(recordedFile, 'utf8')) as Pick<TrainJobConfig, 'data'> & RecordedModelChoices;
  return !sameTrainingData(recorded, config) || !sameModelSelection(recorded, config) || !sameNgramEnsemble(recorded, config) || !sameEmojiReading(recorded, config);
}
