import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { MangaAssistError, type TrainJobConfig } from '@mangaassist/common';
import { registerNativeCpuKernels } from '@mangaassist/cpu-kernels';
import { HANDWRITTEN_EVALUATION_SLICE, HANDWRITTEN_TRAINING_SLICES, generateCorpus, readDataset, stratifiedSplit, writeJsonl } from '@mangaassist/data';
import { exportClassifier } from '@mangaassist/export';
import { selectTfjsBackend, TFJS_BACKEND_REQUESTS, type TfjsBackendRequest } from '@mangaassist/runtime-tfjs';
import { createThresholdPlugins } from '@mangaassist/thresholds';
import { createConsoleReporter, createTrainPlugins, RUN_FILES, runTrainJob } from '@mangaassist/trainer';
import { calibrateModel, formatCalibrateReport, formatHandwrittenScores, scoreHandwrittenSlices } from '@mangaassist/pipelines';
import { PLUGINS, type CliPlugins } from '../tokens';
import type { CommandModule } from './command-module';
import { megabytes } from './megabytes';
import {
  QUICKSTART_MODEL_ID,
  QUICKSTART_SIZES,
  quickstartEncoder,
  quickstartPaths,
  quickstartTrainConfig,
  quickstartTrainingSources,
  sameTrainingData,
  type QuickstartPaths,
} from './quickstart/quickstart-plan';
import {
  classifyThroughServer,
  formatClassifications,
  QUICKSTART_MESSAGES,
  startQuickstartServer,
  type QuickstartClassification,
} from './quickstart/quickstart-server';

/** Options of `mangaassist quickstart`. */
export interface QuickstartCliOptions {
  readonly out: string;
  readonly fresh?: boolean;
  readonly examples: string;
  readonly epochs: string;
  readonly backend: string;
}

const STAGES = 7;

function stage(n: number, title: string): void {
  process.stderr.write(`\n[${n}/${STAGES}] ${title}\n`);
}

/**
 * `mangaassist quickstart` (`npm run quickstart`): the whole product on one machine, end to end — generate the
 * MangaAssist corpus, fine-tune the encoder with the wide-and-deep head (the recipe chosen on hand-written messages)
 * on the generated split and the bundled hand-written training slices, calibrate thresholds into the SQLite store,
 * score the model and the TF-IDF baseline (trained on the same files) on the hand-written evaluation slice, export
 * ONNX, start the server and classify example messages. Each stage reuses what an earlier run left in
 * `--out` unless `--fresh`.
 */
export const quickstartCommand: CommandModule = {
  name: 'quickstart',
  register(program: Command, container: DependencyContainer) {
    program
      .command('quickstart')
      .description('generate data, fine-tune, calibrate, export and serve, end to end (writes runs/quickstart)')
      .option('--out <dir>', 'run directory', 'runs/quickstart')
      .option('--fresh', 'start over instead of reusing earlier stages')
      .option('--examples <n>', 'generated messages (80% train, 20% validation)', String(QUICKSTART_SIZES.examples))
      .option('--epochs <n>', 'training epochs', String(QUICKSTART_SIZES.epochs))
      .option('--backend <name>', `TensorFlow.js backend: ${TFJS_BACKEND_REQUESTS.join(', ')}`, 'auto')
      .action(async (options: QuickstartCliOptions) => {
        await runQuickstart(options, container.resolve(PLUGINS));
      });
  },
};

function positiveInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new MangaAssistError('INVALID_ARGUMENT', `${flag} must be a positive integer, got ${value}`);
  return n;
}

/**
 * The quickstart's work; returns the classifications of the example messages (also printed). Its loss, schedules,
 * strategy and store are looked up in `plugins` (default: the built-ins).
 *
 * @example
 * ```ts
 * const results = await runQuickstart({ out: 'runs/quickstart', examples: '3000', epochs: '4', backend: 'auto' });
 * ```
 */
export async function runQuickstart(
  options: QuickstartCliOptions,
  plugins: CliPlugins = { ...createTrainPlugins(), ...createThresholdPlugins() },
): Promise<QuickstartClassification[]> {
  const started = performance.now();
  const sizes = { ...QUICKSTART_SIZES, examples: positiveInteger(options.examples, '--examples'), epochs: positiveInteger(options.epochs, '--epochs') };
  if (!TFJS_BACKEND_REQUESTS.includes(options.backend)) {
    throw new MangaAssistError('INVALID_ARGUMENT', `--backend must be one of ${TFJS_BACKEND_REQUESTS.join(', ')}, got ${options.backend}`);
  }
  const paths = quickstartPaths(options.out);
  if (options.fresh) rmSync(paths.root, { recursive: true, force: true });
  mkdirSync(paths.root, { recursive: true });
  const encoder = quickstartEncoder();
  process.stderr.write(`MangaAssist quickstart → ${paths.root}\n${encoder.note}\n`);

  stage(1, `corpus: ${sizes.examples} generated MangaAssist messages`);
  generateData(paths, sizes.examples);

  stage(2, `fine-tuning on the generated split and the hand-written ${HANDWRITTEN_TRAINING_SLICES.join(', ')} slices: ` +
    `full fine-tune with the wide-and-deep head, BCE, slanted-triangular LR over ${sizes.epochs} epochs`);
  const selection = await selectTfjsBackend({
    backend: options.backend as TfjsBackendRequest,
    accelerateCpu: () => void registerNativeCpuKernels(),
  });
  process.stderr.write(`${selection.message}\n`);
  await train(paths, sizes, encoder.pretrained, plugins);

  stage(3, 'calibration: per-label F-beta thresholds into the SQLite store');
  const calibration = await calibrateModel({
    model: paths.model,
    data: paths.validation,
    strategy: 'fbeta-sweep',
    store: { id: 'sqlite', options: { path: paths.thresholdsDb }, modelId: QUICKSTART_MODEL_ID, author: 'quickstart' },
    batchSize: 32,
    backend: selection.name,
  }, plugins);
  process.stderr.write(formatCalibrateReport(calibration));

  stage(4, `messages written by people: the model and the TF-IDF baseline (trained on the same files) on the hand-written ${HANDWRITTEN_EVALUATION_SLICE} slice`);
  // The baseline reads every training file once, unweighted: the same messages the model learnt from.
  const trainExamples = quickstartTrainingSources(paths).flatMap((source) => readDataset(source.path, { format: 'jsonl' }).dataset.examples);
  const handwritten = await scoreHandwrittenSlices(paths.model, trainExamples, selection.name);
  process.stderr.write(formatHandwrittenScores(handwritten));
  writeFileSync(paths.handwrittenScores, `${JSON.stringify(handwritten, null, 2)}\n`);

  stage(5, 'export: ONNX graphs (fp32 and int8) for ONNX Runtime');
  // The id recorded in config.json is the one calibrate stored the thresholds under, so a server started on this
  // directory without serving.modelId finds them.
  const exported = exportClassifier({ modelDir: paths.model, outDir: paths.model, quantize: 'int8', modelId: QUICKSTART_MODEL_ID });
  process.stderr.write(`  ${exported.model.file} (${megabytes(exported.model.bytes)})` +
    (exported.quantized ? `, ${exported.quantized.file} (${megabytes(exported.quantized.bytes)})` : '') + '\n');

  stage(6, 'serving: starting the HTTP service on the exported model');
  const server = await startQuickstartServer(paths);
  let results: QuickstartClassification[];
  try {
    process.stderr.write(`  listening on ${server.url} (dashboard: ${server.url}/dashboard, admin token in ${paths.serverConfig})\n`);
    stage(7, 'classifying example messages');
    results = await classifyThroughServer(server.url, QUICKSTART_MESSAGES);
    process.stdout.write(`${formatClassifications(results)}\n`);
  } finally {
    await server.stop();
  }
  process.stderr.write(`\ndone in ${((performance.now() - started) / 1000).toFixed(0)} s; the model is in ${paths.model}\n`);
  process.stderr.write(`on messages written by people (${paths.handwrittenScores}):\n${formatHandwrittenScores(handwritten)}`);
  return results;
}

function generateData(paths: QuickstartPaths, examples: number): void {
  if (existsSync(paths.train) && existsSync(paths.validation)) {
    process.stderr.write(`  reusing ${paths.train} and ${paths.validation}\n`);
    return;
  }
  const corpus = generateCorpus({ n: examples, seed: 7 });
  const { train, val } = stratifiedSplit(corpus.examples, { valFraction: 0.2, seed: 7 });
  writeJsonl(paths.validation, val);
  writeJsonl(paths.train, train);
  process.stderr.write(`  ${train.length} training and ${val.length} validation messages\n`);
}

async function train(paths: QuickstartPaths, sizes: typeof QUICKSTART_SIZES, pretrained: string, plugins: CliPlugins): Promise<void> {
  const config = quickstartTrainConfig(paths, sizes, pretrained);
  if (trainedOnOtherData(paths, config)) {
    // An earlier quickstart trained on other files (before the hand-written slices became training data, say):
    // neither its model nor its checkpoint may stand for this one.
    process.stderr.write(`  the model in ${paths.root} was trained on other data; training again\n`);
    rmSync(paths.model, { recursive: true, force: true });
    rmSync(paths.trainRun, { recursive: true, force: true });
  }
  if (existsSync(join(paths.model, 'model.safetensors'))) {
    process.stderr.write(`  reusing the fine-tuned model in ${paths.model}\n`);
    return;
  }
  // A run interrupted earlier continues from its checkpoint.
  const resume = existsSync(join(paths.trainRun, RUN_FILES.checkpoint));
  const { summary } = await runTrainJob(config, {
    plugins,
    resume,
    overwrite: !resume,
    reporter: createConsoleReporter(process.stderr),
    log: (line) => process.stderr.write(`  ${line}\n`),
  });
  if (!summary.bestModelDir) throw new MangaAssistError('NOT_FOUND', `training finished without a best model in ${paths.trainRun}`);
  process.stderr.write(`  best validation macro-F1 ${summary.best?.macroF1.toFixed(3)} (epoch ${summary.best?.epoch}) at threshold 0.5\n`);
  cpSync(summary.bestModelDir, paths.model, { recursive: true });
}

/**
 * Whether an earlier run left a model or a checkpoint trained on other files than `config` reads: the training job
 * recorded in the run directory says which; a model with no record of its data counts as other data.
 */
function trainedOnOtherData(paths: QuickstartPaths, config: TrainJobConfig): boolean {
  const recorded = join(paths.trainRun, 'config.json');
  if (existsSync(recorded)) return !sameTrainingData(JSON.parse(readFileSync(recorded, 'utf8')) as Pick<TrainJobConfig, 'data'>, config);
  return existsSync(join(paths.model, 'model.safetensors'));
}

