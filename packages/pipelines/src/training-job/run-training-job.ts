import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMangaAssistError, MangaAssistError } from '@mangaassist/common';
import { createConsoleReporter, keptModelFolder, RUN_FILES, runTrainJob, type TrainJobResult, type TrainReporter } from '@mangaassist/trainer';
import { buildContractJobConfig, nameHyperparameters, type TrainingJobPlugins } from './job-config';
import { CHANNELS, DEFAULT_ML_ROOT, ML_ROOT_ENV, resolveJobLayout, type JobLayout } from './job-layout';
import { createMetricLineReporter } from './metric-lines';

/** Run files copied to the output data folder beside the model, when the run wrote them. */
const PUBLISHED_RUN_FILES = ['config.json', RUN_FILES.summary, RUN_FILES.metrics, RUN_FILES.report, RUN_FILES.curves];

/**
 * Name of the file in `<output>` whose text the platform shows as the job's failure reason.
 *
 * @example
 * ```ts
 * const reason = readFileSync(join(layout.outputDir, FAILURE_FILE), 'utf8');
 * ```
 */
export const FAILURE_FILE = 'failure';

/**
 * What {@link runTrainingJob} needs besides the environment: the plugins and the process-level parts of a run.
 *
 * @example
 * ```ts
 * const options: TrainingJobOptions = { env: process.env, plugins, selectBackend: async () => undefined, stderr: process.stderr };
 * await runTrainingJob(options);
 * ```
 */
export interface TrainingJobOptions {
  /** The environment the contract is read from (`SM_CHANNEL_*`, `SM_MODEL_DIR`, `MANGAASSIST_ML_ROOT`, …). */
  readonly env: NodeJS.ProcessEnv;
  readonly plugins: TrainingJobPlugins;
  /**
   * Selects the TensorFlow.js backend the configuration asks for; `field` is where the value came from
   * (`hyperparameter backend` or `training.backend`), for its error.
   */
  readonly selectBackend: (backend: string | undefined, field: string) => Promise<unknown>;
  /**
   * Runs the training with stop signals turned into "checkpoint after the current step" (the command line passes
   * its SIGINT/SIGTERM handling); default: runs it with a signal that never aborts.
   */
  readonly runInterruptible?: <T>(run: (signal: AbortSignal) => Promise<T>) => Promise<T>;
  /** Where the `metrics:` lines go, which the platform's metric regexes read (default `process.stdout`). */
  readonly stdout?: Pick<NodeJS.WritableStream, 'write'>;
  /** Where progress, warnings and the resume notice go (default `process.stderr`). */
  readonly stderr?: NodeJS.WritableStream;
}

/**
 * The outcome of {@link runTrainingJob}.
 *
 * @example
 * ```ts
 * const { published, layout }: TrainingJobOutcome = await runTrainingJob(options);
 * if (published) console.log(`model: ${layout.modelDir}`);
 * ```
 */
export interface TrainingJobOutcome {
  readonly result: TrainJobResult;
  readonly layout: JobLayout;
  /** Whether the best model went to the model directory (false when a stop signal interrupted the run). */
  readonly published: boolean;
}

/**
 * The managed training job, under the container contract of the design document's cloud estimator: resolves the
 * layout from `env` (channels, hyperparameters, model and output folders; see `resolveJobLayout`), builds the job
 * configuration (`buildContractJobConfig`), trains with console progress on `stderr` and `metrics:` lines on
 * `stdout`, resuming from `<checkpoints>/run` when a checkpoint is there, then copies the best model to the model
 * directory and the run's record (config, summary, metrics, report, curves) to the output data folder. On error the
 * reason goes to `<output>/failure` and the error is rethrown; a run stopped by a signal writes the failure file
 * too (the checkpoint is kept for a restarted job) and publishes nothing.
 *
 * @throws MangaAssistError from the layout, the configuration (naming the hyperparameter that set a bad field) or the
 *   run; `NOT_FOUND` when the run saved no model
 *
 * @example
 * ```ts
 * import { runTrainingJob } from '@mangaassist/pipelines';
 *
 * const { result, layout, published } = await runTrainingJob({
 *   env: { ...process.env, MANGAASSIST_ML_ROOT: '/tmp/job' },
 *   plugins: { ...createTrainPlugins(), ...createThresholdPlugins() },
 *   selectBackend: async () => undefined,
 * });
 * if (published) console.log(`model: ${layout.modelDir}; run: ${result.summary.runDir}`);
 * ```
 */
export async function runTrainingJob(options: TrainingJobOptions): Promise<TrainingJobOutcome> {
  const stderr = options.stderr ?? process.stderr;
  let layout: JobLayout | undefined;
  try {
    layout = resolveJobLayout(options.env);
    // A misnamed channel (`eval` for `validation`) would otherwise be ignored without a word.
    for (const name of layout.unknownChannels) {
      stderr.write(`warning: channel ${name} is not read by this job (channels: ${CHANNELS.join(', ')})\n`);
    }
    rmSync(join(layout.outputDir, FAILURE_FILE), { force: true });
    const outcome = await trainUnderContract(layout, options, stderr);
    if (!outcome.published) {
      writeFailure(layout, `stopped by a signal after checkpointing in ${outcome.result.summary.runDir}; a restarted job resumes from there`, stderr);
    }
    return outcome;
  } catch (error) {
    writeFailure(layout ?? resolveFallbackLayout(options.env), isMangaAssistError(error) ? `error [${error.code}]: ${error.message}` : String(error), stderr);
    throw error;
  }
}

async function trainUnderContract(layout: JobLayout, options: TrainingJobOptions, stderr: NodeJS.WritableStream): Promise<TrainingJobOutcome> {
  const { env, plugins } = options;
  const { config, origin } = buildContractJobConfig(layout, plugins, env);
  const backendField = origin.has('training.backend') ? 'hyperparameter backend' : 'training.backend';
  await options.selectBackend(config.training.backend, backendField);
  const runDir = config.training.outDir;
  // A job restarted after an interruption (spot capacity, a stop) finds its checkpoint and continues.
  const resume = existsSync(join(runDir, RUN_FILES.checkpoint));
  const log = (line: string) => stderr.write(`${line}\n`);
  if (resume) log(`resuming the run checkpointed in ${runDir}`);
  const stdout = options.stdout ?? process.stdout;
  const reporter = combineReporters(createConsoleReporter(stderr), createMetricLineReporter((text) => stdout.write(text), config.training.logEverySteps));
  const runInterruptible = options.runInterruptible ?? ((run) => run(new AbortController().signal));
  let result: TrainJobResult;
  try {
    result = await runInterruptible((signal) => runTrainJob(config, { plugins, resume, reporter, signal, log }));
  } catch (error) {
    throw nameHyperparameters(error, origin);
  }
  if (result.summary.stopReason === 'interrupted') return { result, layout, published: false };
  if (!result.summary.modelDir) {
    const folder = join(runDir, keptModelFolder(result.summary.modelSelection));
    throw new MangaAssistError('NOT_FOUND', `the run in ${runDir} kept no model (no ${folder}: no validation finished); nothing to put in ${layout.modelDir}`, {
      runDir,
    });
  }
  publish(layout, runDir, result.summary.modelDir);
  return { result, layout, published: true };
}

/** Copies the kept model (best-model/ or last-model/, as `training.modelSelection` says) into the model directory and the run's record into the output data folder. */
function publish(layout: JobLayout, runDir: string, keptModelDir: string): void {
  mkdirSync(layout.modelDir, { recursive: true });
  cpSync(keptModelDir, layout.modelDir, { recursive: true });
  mkdirSync(layout.outputDataDir, { recursive: true });
  for (const name of PUBLISHED_RUN_FILES) {
    const from = join(runDir, name);
    if (existsSync(from)) cpSync(from, join(layout.outputDataDir, name));
  }
}

/** Writes the reason to `<output>/failure`, which the platform shows as the job's failure reason. */
function writeFailure(layout: Pick<JobLayout, 'outputDir'>, reason: string, stderr: NodeJS.WritableStream): void {
  try {
    mkdirSync(layout.outputDir, { recursive: true });
    writeFileSync(join(layout.outputDir, FAILURE_FILE), `${reason}\n`);
  } catch (error) {
    // The reason still reaches stderr through the caller; a read-only output folder must not hide it.
    stderr.write(`cannot write the failure file in ${layout.outputDir}: ${(error as Error).message}\n`);
  }
}

/** The output folder when the layout itself could not be resolved (a bad `SM_CHANNEL_*`). */
function resolveFallbackLayout(env: NodeJS.ProcessEnv): Pick<JobLayout, 'outputDir'> {
  return { outputDir: join(env[ML_ROOT_ENV] || DEFAULT_ML_ROOT, 'output') };
}

/** One reporter that calls each of `reporters` in turn. */
function combineReporters(...reporters: TrainReporter[]): TrainReporter {
  return {
    onStart: async (info) => {
      for (const r of reporters) await r.onStart?.(info);
    },
    onStep: async (record) => {
      for (const r of reporters) await r.onStep?.(record);
    },
    onEpoch: async (record) => {
      for (const r of reporters) await r.onEpoch?.(record);
    },
    onCheckpoint: async (info) => {
      for (const r of reporters) await r.onCheckpoint?.(info);
    },
    onEnd: async (summary) => {
      for (const r of reporters) await r.onEnd?.(summary);
    },
  };
}
